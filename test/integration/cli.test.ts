// The gatehouse command line: help on every verb, exit codes for mistakes.
import { describe, expect, it } from 'vitest';
import { runGatehouse } from '../helpers/serve.ts';

describe('gatehouse', () => {
  it('--help lists the commands and exits 0', async () => {
    const result = await runGatehouse(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: gatehouse <command> [options]');
    expect(result.stdout).toMatch(/^ {2}serve +run Gatehouse/m);
  });

  it('with no command prints the help and exits 2', async () => {
    const result = await runGatehouse([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('Commands:');
  });

  it('an unknown command exits 2 and says so', async () => {
    const result = await runGatehouse(['srve']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "srve"');
  });

  it('serve --help lists every option and exits 0 without starting anything', async () => {
    const result = await runGatehouse(['serve', '--help']);
    expect(result.code).toBe(0);
    for (const option of ['--data', '--config', '--host', '--port', '--database-url', '--max-connections', '--log-level', '--postgres-tcp', '--json']) {
      expect(result.stdout).toContain(option);
    }
  });

  it('version --help and version both answer', async () => {
    expect((await runGatehouse(['version', '--help'])).code).toBe(0);
    const version = await runGatehouse(['version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^gatehouse \d+\.\d+\.\d+\n$/);
  });
});
