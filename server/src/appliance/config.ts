// Configuration: defaults < config file < environment < flags; for a few settings (LAN mode), what an admin saved in
// the control UI stands in for the default (withSavedSettings).
// Validated once against one schema, then deep-frozen; a bad value is a UsageError (exit 2) naming the path and its source.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject } from 'ajv';
import YAML from 'yaml';
import { UsageError, errorMessage } from './errors.ts';
import * as D from './defaults.ts';
import { LAN_HOSTNAME_PATTERN, LAN_HOSTNAME_RULE } from '../lan/hostname-rule.ts';

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
        publicUrl: Type.Optional(Type.String({ pattern: '^https?://[^/?#]+(/[^?#]*)?$', description: 'the address users and apps reach Gatehouse at (the OIDC issuer); default http://<host>:<port>' })),
      },
      { additionalProperties: false, default: {} },
    ),
    lan: Type.Object(
      {
        enabled: Type.Boolean({ default: false, description: 'serve the identity provider on the LAN over HTTPS, with a local CA (docs/lan.md)' }),
        hostname: Type.String({ pattern: LAN_HOSTNAME_PATTERN, default: D.DEFAULT_LAN_HOSTNAME, description: 'the name LAN devices use; a .local name is advertised over mDNS' }),
        bindAddress: Type.String({ minLength: 1, default: D.DEFAULT_LAN_BIND_ADDRESS, description: 'address the LAN HTTPS listener binds to' }),
        port: Port(D.DEFAULT_LAN_PORT, 'LAN HTTPS port; 0 picks a free one'),
        allowAdmin: Type.Boolean({ default: false, description: 'let the admin pages and API answer on the LAN, not only on this machine' }),
        mdns: Type.Boolean({ default: true, description: 'advertise a .local host name over mDNS' }),
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
    secrets: Type.Object(
      {
        masterKey: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9+/_-]{43}=?$', description: '32 random bytes, base64: encrypts signing keys and other secrets at rest; default: secrets/master.key in the data dir' })),
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
  lan: 'lan.enabled',
  'lan-hostname': 'lan.hostname',
  'lan-bind': 'lan.bindAddress',
  'lan-port': 'lan.port',
  'lan-allow-admin': 'lan.allowAdmin',
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

  // An empty variable counts as unset, as in most shells' habits (FOO= in a .env file).
  const env = (name: string) => (sources.env[name] === '' ? undefined : sources.env[name]);

  const file = configFileOf(dataDir, sources.file, env('GATEHOUSE_CONFIG'));
  for (const [key, value] of readConfigFile(file)) origins.set(key, { value, from: `config file ${file.path}` });

  // The environment: each setting's GATEHOUSE_ variable or its *_FILE twin, then the aliases for what those left unset.
  const setByEnv = new Set<string>();
  for (const [leafPath, leaf] of leaves) {
    const envName = envNameFor(leafPath);
    const raw = env(envName);
    const secretFile = env(`${envName}_FILE`);
    if (raw !== undefined && secretFile !== undefined) {
      throw new UsageError('config_invalid', `Both ${envName} and ${envName}_FILE are set, for the one setting ${leafPath}. Remove one of them.`);
    }
    if (secretFile !== undefined) {
      origins.set(leafPath, { value: coerce(readSecretFile(secretFile, `${envName}_FILE`), leaf), from: `env ${envName}_FILE` });
      setByEnv.add(leafPath);
    }
    if (raw !== undefined) {
      origins.set(leafPath, { value: coerce(raw, leaf), from: `env ${envName}` });
      setByEnv.add(leafPath);
    }
  }
  for (const [name, leafPath] of Object.entries(ENV_ALIASES)) {
    const raw = env(name);
    if (raw !== undefined && !setByEnv.has(leafPath)) origins.set(leafPath, { value: raw, from: `env ${name}` });
  }

  for (const [flag, leafPath] of Object.entries(CONFIG_FLAGS)) {
    const raw = sources.flags[flag];
    if (raw === undefined) continue;
    const leaf = leaves.get(leafPath)!;
    origins.set(leafPath, { value: typeof raw === 'boolean' ? raw : coerce(raw, leaf), from: `flag --${flag}` });
  }

  const candidate: Record<string, unknown> = {};
  for (const [key, origin] of origins) setPath(candidate, key, origin.value);
  return validateConfig(candidate, origins);
}

/**
 * The settings each config was given (by the config file, the environment, a flag, or a test's object), as dotted
 * paths such as "lan.port"; every other setting holds its default. Kept beside the frozen config, not in it, so that
 * a Config is exactly the schema's shape.
 */
const givenSettings = new WeakMap<object, ReadonlySet<string>>();

/** Which settings were set explicitly rather than defaulted (a saved preference may stand in for a default). */
export function settingsGiven(config: Readonly<Config>): ReadonlySet<string> {
  return givenSettings.get(config) ?? new Set();
}

/** Validates a plain object (defaults filled in) and returns it frozen. */
export function validateConfig(candidate: Record<string, unknown>, origins = new Map<string, Origin>()): Readonly<Config> {
  // What was given is read before the defaults fill in the rest.
  const given = new Set(flatten(candidate).map(([key]) => key));
  return remember(checked(candidate, origins), given);
}

/**
 * The config with what an admin saved in the control UI (LAN mode, PUT /api/v1/lan) for the settings it was not
 * given: the config file, the environment and flags still win. Checked and frozen like any config; the settings it
 * was given stay the same.
 */
export function withSavedSettings(config: Readonly<Config>, saved: Record<string, unknown>): Readonly<Config> {
  const given = settingsGiven(config);
  const candidate = structuredClone(config) as Record<string, unknown>;
  const origins = new Map<string, Origin>();
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined || given.has(key)) continue;
    setPath(candidate, key, value);
    origins.set(key, { value, from: 'saved in the control UI' });
  }
  return remember(checked(candidate, origins), given);
}

function remember(config: Readonly<Config>, given: ReadonlySet<string>): Readonly<Config> {
  givenSettings.set(config, given);
  return config;
}

function checked(candidate: Record<string, unknown>, origins: Map<string, Origin>): Readonly<Config> {
  // verbose: errors carry the schema they broke, to say what is allowed.
  const ajv = new Ajv({ useDefaults: true, allErrors: true, strict: false, verbose: true });
  const validate = ajv.compile(ConfigSchema);
  if (!validate(candidate)) {
    const errors = validate.errors ?? [];
    // A union (log.level) reports each branch's failure besides its own: keep only the union's summary.
    const summaries = errors.filter((e) => !errors.some((union) => union.keyword === 'anyOf' && e.schemaPath.startsWith(`${union.schemaPath}/`)));
    const messages = [...new Set(summaries.map((e) => describeError(e, origins)))];
    throw new UsageError(
      'config_invalid',
      `Configuration is not valid:\n${messages.map((m) => `  - ${m}`).join('\n')}\nChange each setting where the message says it came from, then start again. docs/configuration.md lists every setting.`,
    );
  }
  return deepFreeze(candidate as Config);
}

export function envNameFor(leafPath: string): string {
  return 'GATEHOUSE_' + leafPath.split('.').map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');
}

interface ConfigFile {
  path: string;
  /** How the path was chosen, for the error that says what to change. */
  givenBy: '--config' | 'GATEHOUSE_CONFIG' | 'data dir';
}

function configFileOf(dataDir: string, flag: string | undefined, envVar: string | undefined): ConfigFile {
  if (flag !== undefined) return { path: flag, givenBy: '--config' };
  if (envVar !== undefined) return { path: envVar, givenBy: 'GATEHOUSE_CONFIG' };
  return { path: path.join(dataDir, 'gatehouse.yaml'), givenBy: 'data dir' };
}

function readConfigFile({ path: filePath, givenBy }: ConfigFile): Array<[string, unknown]> {
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (error) {
    // gatehouse.yaml in the data dir is optional; one that is there but unreadable is not silently skipped.
    // ENOTDIR: the data dir path runs through a file, so there is no config file; the data dir check reports that.
    if (givenBy === 'data dir' && ['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return [];
    const hint =
      givenBy === 'data dir' ? 'Gatehouse reads this file whenever it exists: make it a readable file, or remove it.'
      : `Check the path given by ${givenBy}.`;
    throw new UsageError('config_unreadable', `Cannot read the config file ${filePath} (${errorMessage(error)}). ${hint}`);
  }
  let parsed: unknown;
  try {
    parsed = YAML.parse(text);
  } catch (error) {
    const reason = errorMessage(error).split('\n')[0]!.replace(/:$/, '');
    throw new UsageError('config_corrupt', `The config file ${filePath} is not valid YAML: ${reason}. Fix that line (settings are "name: value", indented by two spaces under their section) or remove the file, then start again.`);
  }
  if (parsed === null || parsed === undefined) return [];
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(
      'config_corrupt',
      `The config file ${filePath} must hold settings by section, such as a line "http:" followed by the indented line "  port: 9080"; it holds ${Array.isArray(parsed) ? 'a list' : 'a single value'} instead.`,
    );
  }
  return flatten(parsed as Record<string, unknown>);
}

function readSecretFile(filePath: string, variable: string): string {
  try {
    return readFileSync(filePath, 'utf8').trim();
  } catch (error) {
    throw new UsageError('config_unreadable', `Cannot read the file named by ${variable} (${filePath}): ${errorMessage(error)}. Check the path in ${variable}.`);
  }
}

function flatten(value: Record<string, unknown>, prefix = ''): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [key, child] of Object.entries(value)) {
    const full = prefix ? `${prefix}.${key}` : key;
    // YAML's empty value ("http:" with every setting under it commented out) sets nothing.
    if (child === null || child === undefined) continue;
    if (typeof child === 'object' && !Array.isArray(child)) out.push(...flatten(child as Record<string, unknown>, full));
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

/** Text from the environment or a flag, as the setting's type; text that is not one is left for validation to report with every other problem. */
function coerce(raw: string, leaf: TSchema): unknown {
  const trimmed = raw.trim();
  if (leaf.type === 'integer' && /^-?\d+$/.test(trimmed)) return Number(trimmed);
  if (leaf.type === 'boolean') {
    const lowered = trimmed.toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(lowered)) return true;
    if (['false', '0', 'no', 'off'].includes(lowered)) return false;
  }
  return raw;
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  // Own properties only: a key like __proto__ in the file must become an unknown setting, not a prototype to write into.
  const setOwn = (node: Record<string, unknown>, key: string, child: unknown) =>
    Object.defineProperty(node, key, { value: child, writable: true, enumerable: true, configurable: true });
  const parts = dotted.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const child = Object.hasOwn(node, part) ? node[part] : undefined;
    if (typeof child !== 'object' || child === null) setOwn(node, part, {});
    node = node[part] as Record<string, unknown>;
  }
  setOwn(node, parts[parts.length - 1]!, value);
}

/** How a refused value is repeated back: never a secret read from a *_FILE, never the password in a URL. */
/** Settings whose value is a secret: a refused value is never repeated. */
const SECRET_SETTINGS = new Set(['secrets.masterKey']);

const PATTERN_HINTS: Record<string, string> = {
  'database.url': 'must look like postgres://user:password@host:5432/database',
  'http.publicUrl': 'must be an http:// or https:// address such as https://id.example.lan or http://192.168.1.5:9080, with no query or fragment',
  'secrets.masterKey': 'must be 32 random bytes in base64 (make one with "openssl rand -base64 32")',
  'lan.hostname': `must be ${LAN_HOSTNAME_RULE}`,
};

function gotValue(origin: Origin | undefined, settingPath = ''): string {
  if (!origin || origin.from.endsWith('_FILE') || SECRET_SETTINGS.has(settingPath)) return '';
  // Up to the last @, for a password that holds one unescaped.
  return `; got ${JSON.stringify(origin.value).replace(/(\/\/[^/:@\s]*:)\S*@/g, '$1***@')}`;
}

const TYPE_WORDS: Record<string, string> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
};

function describeError(error: ErrorObject, origins: Map<string, Origin>): string {
  const base = error.instancePath.split('/').filter(Boolean).join('.');
  if (error.keyword === 'additionalProperties') {
    const key = base ? `${base}.${String(error.params.additionalProperty)}` : String(error.params.additionalProperty);
    const origin = [...origins.entries()].find(([k]) => k === key || k.startsWith(`${key}.`))?.[1];
    const known = Object.keys((error.parentSchema as { properties?: object }).properties ?? {}).join(', ');
    return `${key}${origin ? ` (from ${origin.from})` : ''} is not a setting Gatehouse knows (check its spelling); ${base ? `the settings under ${base} are` : 'the sections are'}: ${known}`;
  }
  const origin = origins.get(base);
  const where = origin ? ` (from ${origin.from})` : '';
  const got = gotValue(origin, base);
  const schema = error.parentSchema as { minimum?: number; maximum?: number; anyOf?: Array<{ const?: unknown }> };
  switch (error.keyword) {
    case 'minimum':
    case 'maximum':
      return `${base}${where} must be between ${schema.minimum} and ${schema.maximum}${got}`;
    case 'type':
      if (error.params.type === 'object') return `${base}${where} is a section, not a single value: put its settings on indented lines under "${base}:"${got}`;
      return `${base}${where} must be ${TYPE_WORDS[String(error.params.type)] ?? String(error.params.type)}${got}`;
    case 'minLength':
      return `${base}${where} must not be empty`;
    case 'pattern':
      return `${base}${where} ${PATTERN_HINTS[base] ?? 'is not in the expected form'}${got}`;
    case 'anyOf':
      if (schema.anyOf?.every((branch) => 'const' in branch)) return `${base}${where} must be one of: ${schema.anyOf.map((branch) => String(branch.const)).join(', ')}${got}`;
      return `${base}${where} is not valid${got}`;
    default:
      return `${base}${where} ${error.message ?? 'is not valid'}${got}`;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
