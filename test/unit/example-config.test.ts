// The example config in resources/ documents every default: it must load, and equal the defaults.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, validateConfig } from '../../server/src/appliance/config.ts';

const example = path.resolve(import.meta.dirname, '..', '..', 'resources', 'gatehouse.example.yaml');

describe('resources/gatehouse.example.yaml', () => {
  it('loads without error and holds exactly the defaults', () => {
    const fromFile = loadConfig('/nonexistent', { file: example, env: {}, flags: {} });
    const defaults = validateConfig({});
    expect(fromFile).toEqual(defaults);
  });
});
