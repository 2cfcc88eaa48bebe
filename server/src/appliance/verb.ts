// A command-line verb. Domains export their verbs (server/src/<domain>/cli.ts); cli.ts lists them.
import path from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.ts';
import { loadConfig, type Config } from './config.ts';
import { defaultDataDir } from './data-dir.ts';

export type VerbValues = Record<string, string | boolean | string[] | undefined>;

export interface Verb {
  /** One line, lower case, no final period: shown in `gatehouse --help`. */
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** The options and what the verb prints, shown by `--help`. */
  help: string;
  run(values: VerbValues, positionals: string[]): Promise<void>;
}

export const commonOptions = {
  data: { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const DATA_OPTION_HELP = `  --data DIR              the data dir of the Gatehouse to work on (env GATEHOUSE_DATA)
  --config FILE           its config file, when not DIR/gatehouse.yaml`;

/** The data dir and configuration a verb works on: --data / GATEHOUSE_DATA, --config, env. */
export function verbTarget(values: VerbValues): { dataDir: string; config: Readonly<Config> } {
  const dataDir = resolveDataDir(values);
  return { dataDir, config: loadConfig(dataDir, { file: values.config as string | undefined, env: process.env, flags: {} }) };
}

export function resolveDataDir(values: VerbValues): string {
  const given = values.data;
  if (typeof given === 'string') {
    if (given.trim() === '') throw new UsageError('usage', '--data needs a folder path.');
    return path.resolve(given);
  }
  return defaultDataDir();
}

