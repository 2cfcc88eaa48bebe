// Configuration: defaults < config file < environment < flags.
// Validated once against one schema, then deep-frozen; a bad value is a UsageError (exit 2) naming the path and its source.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject } from 'ajv';
import YAML from 'yaml';
import { UsageError, errorMessage } from './errors.ts';
import * as D from './defaults.ts';

const Port = (fallback: number, description: string) =>
  Type.Integer({ minimum: 0, maximum: 65535, default: fallback, description });

export const ConfigSchema = Type.Object(
  {
    http: Type.Object(
      {
        host: Type.String({ minLength: 1, default: D.DEFAULT_HTTP_HOST, description: 'address the HTTP server binds to' }),
        port: Port(D.DEFAULT_HTTP_PORT, 'HTTP port; 0 picks a free one'),
        drainTimeoutMs: Type.Integer({ minimum: 0, maximum: 60_000, default: 5_000 }),
        metricsFromLan: Type.Boolean({ default: false, description: 'serve /metrics to non-loopback callers' }),
      },
      { additionalProperties: false, default: {} },
    ),
    database: Type.Object(
      {
        url: Type.Optional(Type.String({ pattern: '^postgres(ql)?://', description: 'an existing PostgreSQL instead of the embedded one' })),
        maxConnections: Type.Integer({ minimum: D.MIN_MAX_CONNECTIONS, maximum: 500, default: D.DEFAULT_MAX_CONNECTIONS }),
        statementTimeoutMs: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 30_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
    postgres: Type.Object(
      {
        port: Type.Integer({ minimum: 1, maximum: 65535, default: D.DEFAULT_POSTGRES_PORT, description: 'names the unix socket; TCP uses tcp.port' }),
        startTimeoutMs: Type.Integer({ minimum: 1_000, maximum: 600_000, default: 30_000 }),
        stopTimeoutMs: Type.Integer({ minimum: 500, maximum: 60_000, default: 5_000 }),
        tcp: Type.Object(
          {
            enabled: Type.Boolean({ default: false }),
            port: Type.Integer({ minimum: 1, maximum: 65535, default: D.DEFAULT_POSTGRES_TCP_PORT }),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    migrations: Type.Object(
      { lockTimeoutMs: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 60_000 }) },
      { additionalProperties: false, default: {} },
    ),
    jobs: Type.Object(
      { concurrency: Type.Integer({ minimum: 1, maximum: 64, default: 4 }) },
      { additionalProperties: false, default: {} },
    ),
    cache: Type.Object(
      { lruMaxEntries: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 1_000 }) },
      { additionalProperties: false, default: {} },
    ),
    log: Type.Object(
      {
        level: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace'].map((l) => Type.Literal(l)), { default: 'info' }),
        fileMaxBytes: Type.Integer({ minimum: 65_536, maximum: 1_073_741_824, default: 10 * 1024 * 1024 }),
        fileKeep: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
      },
      { additionalProperties: false, default: {} },
    ),
    shutdown: Type.Object(
      { timeoutMs: Type.Integer({ minimum: 1_000, maximum: 60_000, default: 9_000 }) },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;

/** Command-line flags that set a config path. */
export const CONFIG_FLAGS: Record<string, string> = {
  host: 'http.host',
  port: 'http.port',
  'database-url': 'database.url',
  'max-connections': 'database.maxConnections',
  'log-level': 'log.level',
  'postgres-tcp': 'postgres.tcp.enabled',
  'postgres-tcp-port': 'postgres.tcp.port',
};

/** Environment variables outside the GATEHOUSE_ prefix that users already know. */
const ENV_ALIASES: Record<string, string> = { DATABASE_URL: 'database.url' };

export interface ConfigSources {
  file?: string;
  env: NodeJS.ProcessEnv;
  flags: Record<string, string | boolean | undefined>;
}

type Origin = { value: unknown; from: string };

export function loadConfig(dataDir: string, sources: ConfigSources): Readonly<Config> {
  const origins = new Map<string, Origin>();
  const leaves = schemaLeaves(ConfigSchema);

  const filePath = sources.file ?? sources.env.GATEHOUSE_CONFIG ?? defaultConfigFile(dataDir);
  if (filePath !== undefined) {
    for (const [key, value] of (readConfigFile(filePath, sources.file !== undefined || sources.env.GATEHOUSE_CONFIG !== undefined))) {
      origins.set(key, { value, from: `config file ${filePath}` });
    }
  }

  for (const [leafPath, leaf] of leaves) {
    const envName = envNameFor(leafPath);
    const fileVar = sources.env[`${envName}_FILE`];
    if (fileVar !== undefined) {
      origins.set(leafPath, { value: coerce(readSecretFile(fileVar, `${envName}_FILE`), leaf, leafPath, `env ${envName}_FILE`), from: `env ${envName}_FILE` });
    }
    const raw = sources.env[envName];
    if (raw !== undefined && raw !== '') origins.set(leafPath, { value: coerce(raw, leaf, leafPath, `env ${envName}`), from: `env ${envName}` });
  }
  for (const [name, leafPath] of Object.entries(ENV_ALIASES)) {
    const raw = sources.env[name];
    if (raw !== undefined && raw !== '' && !origins.has(leafPath)) origins.set(leafPath, { value: raw, from: `env ${name}` });
  }

  for (const [flag, leafPath] of Object.entries(CONFIG_FLAGS)) {
    const raw = sources.flags[flag];
    if (raw === undefined) continue;
    const leaf = leaves.get(leafPath)!;
    origins.set(leafPath, { value: typeof raw === 'boolean' ? raw : coerce(raw, leaf, leafPath, `flag --${flag}`), from: `flag --${flag}` });
  }

  const candidate: Record<string, unknown> = {};
  for (const [key, origin] of origins) setPath(candidate, key, origin.value);
  return validateConfig(candidate, origins);
}

/** Validates a plain object (defaults filled in) and returns it frozen. */
export function validateConfig(candidate: Record<string, unknown>, origins = new Map<string, Origin>()): Readonly<Config> {
  const ajv = new Ajv({ useDefaults: true, allErrors: true, strict: false });
  const validate = ajv.compile(ConfigSchema);
  if (!validate(candidate)) {
    const messages = dedupe((validate.errors ?? []).map((e) => describeError(e, origins)));
    throw new UsageError('config_invalid', `Configuration is not valid:\n${messages.map((m) => `  - ${m}`).join('\n')}\nSee docs/configuration.md for every setting.`);
  }
  return deepFreeze(candidate as Config);
}

export function envNameFor(leafPath: string): string {
  return 'GATEHOUSE_' + leafPath.split('.').map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');
}

function defaultConfigFile(dataDir: string): string | undefined {
  const candidate = path.join(dataDir, 'gatehouse.yaml');
  return existsSync(candidate) ? candidate : undefined;
}

function readConfigFile(filePath: string, explicit: boolean): Array<[string, unknown]> {
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (error) {
    if (!explicit) return [];
    throw new UsageError('config_unreadable', `Cannot read the config file ${filePath}: ${errorMessage(error)}. Check the path given by --config or GATEHOUSE_CONFIG.`);
  }
  let parsed: unknown;
  try {
    parsed = YAML.parse(text);
  } catch (error) {
    throw new UsageError('config_corrupt', `The config file ${filePath} is not valid YAML: ${errorMessage(error).split('\n')[0]}. Fix or remove the file; nothing was changed.`);
  }
  if (parsed === null || parsed === undefined) return [];
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError('config_corrupt', `The config file ${filePath} must hold a mapping of settings (like "http:\\n  port: 9080"), not a ${Array.isArray(parsed) ? 'list' : typeof parsed}.`);
  }
  return flatten(parsed as Record<string, unknown>);
}

function readSecretFile(filePath: string, variable: string): string {
  try {
    return readFileSync(filePath, 'utf8').trim();
  } catch (error) {
    throw new UsageError('config_unreadable', `Cannot read the file named by ${variable} (${filePath}): ${errorMessage(error)}.`);
  }
}

function flatten(value: Record<string, unknown>, prefix = ''): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [key, child] of Object.entries(value)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (child !== null && typeof child === 'object' && !Array.isArray(child)) out.push(...flatten(child as Record<string, unknown>, full));
    else out.push([full, child]);
  }
  return out;
}

function schemaLeaves(schema: TSchema, prefix = '', out = new Map<string, TSchema>()): Map<string, TSchema> {
  if (schema.type === 'object' && schema.properties) {
    for (const [key, child] of Object.entries(schema.properties as Record<string, TSchema>)) schemaLeaves(child, prefix ? `${prefix}.${key}` : key, out);
  } else {
    out.set(prefix, schema);
  }
  return out;
}

function coerce(raw: string, leaf: TSchema, leafPath: string, from: string): unknown {
  if (leaf.type === 'integer') {
    if (!/^-?\d+$/.test(raw.trim())) throw new UsageError('config_invalid', `${leafPath} (from ${from}) must be a whole number; got ${JSON.stringify(raw)}.`);
    return Number(raw);
  }
  if (leaf.type === 'boolean') {
    const lowered = raw.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(lowered)) return true;
    if (['false', '0', 'no', 'off'].includes(lowered)) return false;
    throw new UsageError('config_invalid', `${leafPath} (from ${from}) must be true or false; got ${JSON.stringify(raw)}.`);
  }
  return raw;
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

function describeError(error: ErrorObject, origins: Map<string, Origin>): string {
  const base = error.instancePath.split('/').filter(Boolean).join('.');
  if (error.keyword === 'additionalProperties') {
    const key = base ? `${base}.${String(error.params.additionalProperty)}` : String(error.params.additionalProperty);
    const origin = [...origins.entries()].find(([k]) => k === key || k.startsWith(`${key}.`))?.[1];
    return `${key}${origin ? ` (from ${origin.from})` : ''} is not a setting Gatehouse knows`;
  }
  const origin = origins.get(base);
  const where = origin ? ` (from ${origin.from})` : '';
  const got = origin ? `; got ${JSON.stringify(origin.value)}` : '';
  switch (error.keyword) {
    case 'minimum':
    case 'maximum': {
      const schema = error.parentSchema as { minimum?: number; maximum?: number };
      return `${base}${where} must be between ${schema.minimum} and ${schema.maximum}${got}`;
    }
    case 'type':
      return `${base}${where} must be ${error.params.type === 'integer' ? 'a whole number' : `a ${String(error.params.type)}`}${got}`;
    case 'pattern':
      return `${base}${where} must look like postgres://user:password@host:5432/database${got}`;
    case 'const':
    case 'anyOf': {
      const schema = error.parentSchema as { anyOf?: Array<{ const: unknown }> };
      const allowed = schema.anyOf?.map((s) => s.const).join(', ');
      return `${base}${where} must be one of: ${allowed}${got}`;
    }
    default:
      return `${base}${where} ${error.message ?? 'is not valid'}${got}`;
  }
}

function dedupe(items: string[]): string[] {
  // A union failure reports one error per branch; keep the summary only.
  return [...new Set(items.filter((m) => !/ must be equal to constant/.test(m)))];
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
