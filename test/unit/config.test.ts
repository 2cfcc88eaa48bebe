// Configuration: defaults < file < env < flags, validated once, frozen, and refused with the path and its source.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, settingsGiven, withSavedSettings, type ConfigSources } from '../../server/src/appliance/config.ts';
import { EXIT_USAGE, UsageError } from '../../server/src/appliance/errors.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-config-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let dirs = 0;
/** A fresh data dir holding the given files. */
function dataDir(files: Record<string, string> = {}): string {
  const dir = path.join(root, `d${dirs++}`);
  fs.mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

function load(dir: string, sources: Partial<ConfigSources> = {}) {
  return loadConfig(dir, { env: {}, flags: {}, ...sources });
}

/** Runs what must fail, and returns its UsageError: exit code 2, a stable code, a message. */
function configError(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(EXIT_USAGE);
    expect(EXIT_USAGE).toBe(2);
    return error as UsageError;
  }
  throw new Error('the configuration was accepted');
}

describe('sources and precedence', () => {
  it('uses the documented defaults when nothing is set', () => {
    const config = load(dataDir());
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 9080 });
    expect(config.log.level).toBe('info');
    expect(config.database.url).toBeUndefined();
    expect(config.postgres.tcp.enabled).toBe(false);
  });

  it('lets a flag beat the environment, and the environment beat the file, setting by setting', () => {
    const dir = dataDir({ 'gatehouse.yaml': 'http:\n  host: 0.0.0.0\n  port: 9001\nlog:\n  level: warn\n' });
    expect(load(dir).http).toMatchObject({ host: '0.0.0.0', port: 9001 });
    expect(load(dir, { env: { GATEHOUSE_HTTP_PORT: '9002' } }).http).toMatchObject({ host: '0.0.0.0', port: 9002 });
    const all = load(dir, { env: { GATEHOUSE_HTTP_PORT: '9002' }, flags: { port: '9003' } });
    expect(all.http).toMatchObject({ host: '0.0.0.0', port: 9003 });
    expect(all.log.level).toBe('warn');
  });

  it('reads the file named by --config before GATEHOUSE_CONFIG, and either before gatehouse.yaml in the data dir', () => {
    const dir = dataDir({ 'gatehouse.yaml': 'http:\n  port: 9001\n', 'env.yaml': 'http:\n  port: 9002\n', 'flag.yaml': 'http:\n  port: 9003\n' });
    expect(load(dir).http.port).toBe(9001);
    expect(load(dir, { env: { GATEHOUSE_CONFIG: path.join(dir, 'env.yaml') } }).http.port).toBe(9002);
    expect(load(dir, { env: { GATEHOUSE_CONFIG: path.join(dir, 'env.yaml') }, file: path.join(dir, 'flag.yaml') }).http.port).toBe(9003);
  });

  it('takes DATABASE_URL over the file, GATEHOUSE_DATABASE_URL over DATABASE_URL, and the flag over both', () => {
    const dir = dataDir({ 'gatehouse.yaml': 'database:\n  url: postgres://file/db\n' });
    expect(load(dir).database.url).toBe('postgres://file/db');
    expect(load(dir, { env: { DATABASE_URL: 'postgres://alias/db' } }).database.url).toBe('postgres://alias/db');
    const env = { DATABASE_URL: 'postgres://alias/db', GATEHOUSE_DATABASE_URL: 'postgres://prefixed/db' };
    expect(load(dir, { env }).database.url).toBe('postgres://prefixed/db');
    expect(load(dir, { env, flags: { 'database-url': 'postgres://flag/db' } }).database.url).toBe('postgres://flag/db');
  });

  it('reads a value from the file a *_FILE variable names, without its trailing newline', () => {
    const dir = dataDir({ 'db-url': 'postgres://gatehouse:s3cret@db:5432/gatehouse\n', port: '9005\n' });
    const config = load(dir, { env: { GATEHOUSE_DATABASE_URL_FILE: path.join(dir, 'db-url'), GATEHOUSE_HTTP_PORT_FILE: path.join(dir, 'port') } });
    expect(config.database.url).toBe('postgres://gatehouse:s3cret@db:5432/gatehouse');
    expect(config.http.port).toBe(9005);
  });

  it('refuses a *_FILE variable whose file cannot be read, naming the variable and the path', () => {
    const missing = path.join(dataDir(), 'nope');
    const error = configError(() => load(dataDir(), { env: { GATEHOUSE_DATABASE_URL_FILE: missing } }));
    expect(error.code).toBe('config_unreadable');
    expect(error.message).toContain('GATEHOUSE_DATABASE_URL_FILE');
    expect(error.message).toContain(missing);
  });

  it('refuses a setting given both as a variable and as a *_FILE variable, rather than silently picking one', () => {
    const dir = dataDir({ port: '9005' });
    const error = configError(() => load(dir, { env: { GATEHOUSE_HTTP_PORT: '9004', GATEHOUSE_HTTP_PORT_FILE: path.join(dir, 'port') } }));
    expect(error.message).toContain('GATEHOUSE_HTTP_PORT ');
    expect(error.message).toContain('GATEHOUSE_HTTP_PORT_FILE');
  });

  it('treats an empty variable as unset', () => {
    const config = load(dataDir(), { env: { GATEHOUSE_HTTP_PORT: '', GATEHOUSE_HTTP_PORT_FILE: '', DATABASE_URL: '', GATEHOUSE_CONFIG: '' } });
    expect(config.http.port).toBe(9080);
    expect(config.database.url).toBeUndefined();
  });

  it('reads booleans from words people use, and refuses others', () => {
    expect(load(dataDir(), { env: { GATEHOUSE_POSTGRES_TCP_ENABLED: 'yes' } }).postgres.tcp.enabled).toBe(true);
    expect(load(dataDir(), { env: { GATEHOUSE_POSTGRES_TCP_ENABLED: 'off' } }).postgres.tcp.enabled).toBe(false);
    expect(load(dataDir(), { flags: { 'postgres-tcp': true } }).postgres.tcp.enabled).toBe(true);
    const error = configError(() => load(dataDir(), { env: { GATEHOUSE_POSTGRES_TCP_ENABLED: 'maybe' } }));
    expect(error.message).toContain('postgres.tcp.enabled (from env GATEHOUSE_POSTGRES_TCP_ENABLED) must be true or false');
  });

  it('treats an empty file, or a section with nothing under it, as nothing set', () => {
    expect(load(dataDir({ 'gatehouse.yaml': '' })).http.port).toBe(9080);
    expect(load(dataDir({ 'gatehouse.yaml': '# all commented out\n' })).http.port).toBe(9080);
    expect(load(dataDir({ 'gatehouse.yaml': 'http:\n  # port: 9090\nlog:\n  level: debug\n' })).http.port).toBe(9080);
  });
});

describe('refusing bad configuration', () => {
  it('names an unknown key in the file with its full path and the file, and says which keys exist there', () => {
    const dir = dataDir({ 'gatehouse.yaml': 'http:\n  prot: 9090\n' });
    const error = configError(() => load(dir));
    expect(error.code).toBe('config_invalid');
    expect(error.message).toContain(`http.prot (from config file ${path.join(dir, 'gatehouse.yaml')}) is not a setting`);
    expect(error.message).toMatch(/host, port/);
  });

  it('names an unknown section at the top of the file', () => {
    const error = configError(() => load(dataDir({ 'gatehouse.yaml': 'htpp:\n  port: 9090\n' })));
    expect(error.message).toContain('htpp (from config file');
    expect(error.message).toMatch(/http, lan, database/);
  });

  it('names http.port and env GATEHOUSE_HTTP_PORT when the port from the environment is out of range', () => {
    const error = configError(() => load(dataDir(), { env: { GATEHOUSE_HTTP_PORT: '70000' } }));
    expect(error.code).toBe('config_invalid');
    expect(error.message).toContain('http.port (from env GATEHOUSE_HTTP_PORT) must be between 0 and 65535; got 70000');
  });

  it('names http.port and env GATEHOUSE_HTTP_PORT when the port is not a number', () => {
    const error = configError(() => load(dataDir(), { env: { GATEHOUSE_HTTP_PORT: 'eighty' } }));
    expect(error.message).toContain('http.port (from env GATEHOUSE_HTTP_PORT) must be a whole number; got "eighty"');
  });

  it('lists the allowed log levels, once, when the level is not one of them', () => {
    const error = configError(() => load(dataDir(), { flags: { 'log-level': 'loud' } }));
    expect(error.message).toContain('log.level (from flag --log-level) must be one of: fatal, error, warn, info, debug, trace; got "loud"');
    expect(error.message).not.toContain('undefined');
    expect(error.message.match(/log\.level/g)).toHaveLength(1);
  });

  it('says a value in the file has the wrong type in words, with the file it came from', () => {
    const dir = dataDir({ 'gatehouse.yaml': 'http:\n  port: "ninety"\nlog:\n  level: 3\n' });
    const error = configError(() => load(dir));
    expect(error.message).toContain(`http.port (from config file ${path.join(dir, 'gatehouse.yaml')}) must be a whole number; got "ninety"`);
    expect(error.message).toContain('log.level');
    expect(error.message).toContain('fatal, error, warn, info, debug, trace');
  });

  it('says a section given a single value must hold settings', () => {
    const error = configError(() => load(dataDir({ 'gatehouse.yaml': 'http: 9090\n' })));
    expect(error.message).toContain('http (from config file');
    expect(error.message).toContain('is a section, not a single value');
  });

  it('reports every problem at once', () => {
    const error = configError(() => load(dataDir({ 'gatehouse.yaml': 'jobs:\n  concurrency: 0\n' }), { env: { GATEHOUSE_HTTP_PORT: '70000' } }));
    expect(error.message).toContain('http.port');
    expect(error.message).toContain('jobs.concurrency');
  });

  it('never repeats the password of a refused database URL', () => {
    const error = configError(() => load(dataDir(), { env: { DATABASE_URL: 'mysql://gatehouse:hunter2@db/gatehouse' } }));
    expect(error.message).toContain('database.url (from env DATABASE_URL) must look like postgres://');
    expect(error.message).toContain('mysql://gatehouse:***@db/gatehouse');
    expect(error.message).not.toContain('hunter2');
    const unescaped = configError(() => load(dataDir(), { flags: { 'database-url': 'postgress://gatehouse:hun/ter@2@db/gatehouse' } }));
    expect(unescaped.message).not.toMatch(/hun|ter/);
  });

  it('never repeats a value read from a *_FILE secret', () => {
    const dir = dataDir({ 'db-url': 'not-a-url-but-a-secret\n' });
    const error = configError(() => load(dir, { env: { GATEHOUSE_DATABASE_URL_FILE: path.join(dir, 'db-url') } }));
    expect(error.message).toContain('database.url (from env GATEHOUSE_DATABASE_URL_FILE)');
    expect(error.message).not.toContain('not-a-url-but-a-secret');
  });

  it('refuses a file that is not valid YAML, naming the file and the line', () => {
    const dir = dataDir({ 'gatehouse.yaml': 'http:\n  port: 9090\n   host: [oops\n' });
    const error = configError(() => load(dir));
    expect(error.code).toBe('config_corrupt');
    expect(error.message).toContain(path.join(dir, 'gatehouse.yaml'));
    expect(error.message).toMatch(/line \d+/);
  });

  it('refuses a file that holds a list, or a single value, instead of settings', () => {
    const list = configError(() => load(dataDir({ 'gatehouse.yaml': '- http\n- 9090\n' })));
    expect(list.code).toBe('config_corrupt');
    expect(list.message).toContain('it holds a list instead');
    const scalar = configError(() => load(dataDir({ 'gatehouse.yaml': 'port 9090\n' })));
    expect(scalar.code).toBe('config_corrupt');
    expect(scalar.message).toContain('it holds a single value instead');
  });

  it('refuses a --config file that does not exist, and says how the path was given', () => {
    const missing = path.join(root, 'missing.yaml');
    const error = configError(() => load(dataDir(), { file: missing }));
    expect(error.code).toBe('config_unreadable');
    expect(error.message).toContain(missing);
    expect(error.message).toContain('--config');
  });

  it('refuses a gatehouse.yaml in the data dir that exists but cannot be read, instead of ignoring it', () => {
    // A directory in its place fails to read even as root (EISDIR).
    const dir = dataDir();
    fs.mkdirSync(path.join(dir, 'gatehouse.yaml'));
    const error = configError(() => load(dir));
    expect(error.code).toBe('config_unreadable');
    expect(error.message).toContain(path.join(dir, 'gatehouse.yaml'));
  });

  it('refuses __proto__ in the file as an unknown setting, without touching Object.prototype', () => {
    const error = configError(() => load(dataDir({ 'gatehouse.yaml': '__proto__:\n  polluted: yes\n' })));
    expect(error.message).toContain('__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('the loaded config', () => {
  it('is frozen all the way down', () => {
    const config = load(dataDir());
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.postgres.tcp)).toBe(true);
    expect(() => {
      (config.http as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('shares nothing between two loads', () => {
    const first = load(dataDir());
    const second = load(dataDir(), { env: { GATEHOUSE_HTTP_PORT: '9100' } });
    expect(first.http).not.toBe(second.http);
    expect(first.http.port).toBe(9080);
    expect(second.http.port).toBe(9100);
  });
});

describe('settings given, and settings saved in the control UI', () => {
  it('knows which settings the file, the environment and flags gave, and which are defaults', () => {
    const config = load(dataDir({ 'gatehouse.yaml': 'lan:\n  hostname: id.home.arpa\n' }), { env: { GATEHOUSE_LAN_PORT: '8443' }, flags: { lan: true } });
    expect([...settingsGiven(config)].sort()).toEqual(['lan.enabled', 'lan.hostname', 'lan.port']);
    expect(settingsGiven(load(dataDir())).size).toBe(0);
  });

  it('lets saved values fill in only what was not given, frozen, still knowing what was given', () => {
    const config = load(dataDir(), { flags: { 'lan-port': '8443' } });
    const withSaved = withSavedSettings(config, { 'lan.enabled': true, 'lan.port': 9999, 'lan.hostname': 'saved.local' });
    expect(withSaved.lan).toMatchObject({ enabled: true, port: 8443, hostname: 'saved.local' });
    expect(Object.isFrozen(withSaved.lan)).toBe(true);
    expect([...settingsGiven(withSaved)]).toEqual(['lan.port']);
    // The config as loaded is untouched.
    expect(config.lan).toMatchObject({ enabled: false, hostname: 'gatehouse.local' });
  });

  it('refuses a saved value the schema refuses, saying where it came from', () => {
    const error = configError(() => withSavedSettings(load(dataDir()), { 'lan.hostname': 'Not A Name' }));
    expect(error.message).toContain('lan.hostname (from saved in the control UI) must be a host name');
  });
});
