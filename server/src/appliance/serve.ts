// `gatehouse serve`: data dir lock, config, PostgreSQL (embedded or external), migrations, platform, the settings
// saved for the next start (LAN mode, the public URL), HTTP (and the LAN listener), one ready line; and the reverse on
// SIGINT/SIGTERM, within shutdown.timeoutMs.
import net from 'node:net';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ApplianceError, errorMessage } from './errors.ts';
import { ensureDataDir, lockDataDir, type DataDirLock } from './data-dir.ts';
import type { Config } from './config.ts';
import { createLogger } from './logger.ts';
import { EmbeddedCluster } from '../postgres/cluster.ts';
import { connectionConfig, targetFromUrl, type DatabaseTarget } from '../db/pool.ts';
import { latestVersion, migrate } from '../db/migrate.ts';
import { createPlatform, type Platform } from '../platform/index.ts';
import { createMetrics } from '../platform/metrics.ts';
import { migrateJobSchema } from '../platform/jobs.ts';
import { buildServer } from '../http/app.ts';
import type { AppContext, Domain } from './context.ts';
import { createDomains } from './domains.ts';
import { SecretBox } from '../secrets/secret-box.ts';
import { loadMasterKey } from '../secrets/master-key.ts';
import { planBudget } from '../postgres/budget.ts';
import { isShutdownMessage } from '../../../main/src/shutdown-message.ts';
import { lanServiceOf, type LanService } from '../lan/index.ts';
import { savedPublicUrl } from '../admin/settings/public-url.ts';
import { lanListenerSetByConfig, savedLanPreferences, withLanPreferences } from '../lan/preferences.ts';
import { choosePublicUrl, formatHost } from './public-url.ts';

export interface ServeOptions {
  dataDir: string;
  config: Readonly<Config>;
  json: boolean;
  version: string;
}

export interface ReadyInfo {
  event: 'ready';
  /** Where this machine reaches Gatehouse: the HTTP listener's own address (the desktop window uses it). */
  url: string;
  /** Where users and apps reach it (the OIDC issuer): the configured or saved public URL, LAN mode's, or `url`. */
  publicUrl: string;
  /** In LAN mode: https://<hostname>[:port], what LAN devices use (the OIDC issuer). */
  lanUrl?: string;
  pid: number;
  instanceId: string;
  dataDir: string;
  database: 'embedded' | 'external';
  postgresVersion: string | null;
  startupMs: number;
  /** The one-time link that creates the first admin, while there is none. */
  setupUrl?: string;
}

const RESTART_DELAYS_MS = [500, 2_000, 5_000];

export async function serve(options: ServeOptions): Promise<void> {
  const started = Date.now();
  const { dataDir } = options;
  // As loaded; once the database is up, the LAN settings an admin saved fill in what it was not given (`config`).
  const loaded = options.config;
  // The connection budget is checked with the rest of the configuration, before anything is touched.
  planBudget(loaded.database.maxConnections, loaded.jobs.concurrency);
  ensureDataDir(dataDir);
  const dirLock = lockDataDir(dataDir);
  const { logger, close: closeLog } = createLogger({ level: loaded.log.level, dataDir, fileMaxBytes: loaded.log.fileMaxBytes, fileKeep: loaded.log.fileKeep });
  const instanceId = `${os.hostname().split('.')[0]?.slice(0, 20) ?? 'host'}-${randomBytes(3).toString('hex')}`;
  const log = logger.child({ instanceId });
  const parts: Parts = { dirLock, closeLog, logger: log };

  let shuttingDown: Promise<void> | null = null;
  const shutdown = (reason: string, exitCode: number) => {
    shuttingDown ??= stopAll(parts, reason, loaded.shutdown.timeoutMs).then((forced) => process.exit(forced ? 1 : exitCode));
    return shuttingDown;
  };

  try {
    // The port is settled before anything starts: the public URL (the OIDC issuer) depends on it.
    const port = await reservePort(loaded.http.host, loaded.http.port);
    // So is the LAN port when the config alone turns LAN mode on and names the port; else once the saved settings are read.
    const lanPortSetByConfig = lanListenerSetByConfig(loaded) && loaded.lan.enabled ? await reservePort(loaded.lan.bindAddress, loaded.lan.port, LAN_FLAGS) : null;
    let target: DatabaseTarget;
    let postgresVersion: string | null = null;
    if (loaded.database.url) {
      target = targetFromUrl(loaded.database.url);
      log.info({ database: redactUrl(loaded.database.url) }, 'using an external PostgreSQL');
    } else {
      const cluster = new EmbeddedCluster({
        dataDir,
        port: loaded.postgres.port,
        tcp: loaded.postgres.tcp,
        startTimeoutMs: loaded.postgres.startTimeoutMs,
        stopTimeoutMs: loaded.postgres.stopTimeoutMs,
        logger: log.child({ component: 'postgres' }),
      });
      parts.cluster = cluster;
      const connection = await cluster.start();
      target = connection;
      postgresVersion = cluster.version;
      watchCluster(cluster, log, () => shuttingDown !== null, (reason) => void shutdown(reason, 1));
    }

    await migrate(connectionConfig(target, { role: 'migrate', instanceId }), {
      lockTimeoutMs: loaded.migrations.lockTimeoutMs,
      logger: log.child({ component: 'migrations' }),
      // Two instances starting on an empty database would otherwise both create graphile-worker's schema.
      alsoUnderLock: () => migrateJobSchema(connectionConfig(target, { role: 'migrate-jobs', instanceId })),
    });

    const platform = createPlatform({
      target,
      instanceId,
      logger: log,
      maxConnections: loaded.database.maxConnections,
      statementTimeoutMs: loaded.database.statementTimeoutMs,
      jobConcurrency: loaded.jobs.concurrency,
      lruMaxEntries: loaded.cache.lruMaxEntries,
    });
    parts.platform = platform;

    // Read once, like the saved public URL below, before anything listens: LAN mode changes the issuer.
    const config = withLanPreferences(loaded, await savedLanPreferences(platform.pool));
    const lanPort = lanPortSetByConfig ?? (config.lan.enabled ? await reservePort(config.lan.bindAddress, config.lan.port, LAN_FLAGS) : null);

    const loopbackUrl = `http://${formatHost(config.http.host)}:${port}`;
    const ctx: AppContext = {
      config,
      logger: log,
      platform,
      dataDir,
      // In LAN mode the issuer is the LAN URL: tokens must name what LAN devices use (docs/lan.md).
      // The config wins; then the address an admin saved in Settings (read once: it is fixed while the process runs).
      publicUrl: choosePublicUrl(config, { saved: await savedPublicUrl(platform.pool), httpHost: config.http.host, httpPort: port, lanPort }),
      secrets: new SecretBox(loadMasterKey({ configured: config.secrets.masterKey, dataDir })),
      httpPort: port,
    };
    const domains = await createDomains(ctx);
    parts.domains = domains;
    // Jobs are defined before the runner starts (graphile-worker's task list is fixed at start).
    for (const domain of domains) domain.defineJobs?.(platform.jobs);
    await platform.start();
    for (const domain of domains) await domain.start?.();

    const app = await buildServer({
      logger: log,
      metrics: createMetrics(platform),
      metricsFromLan: config.http.metricsFromLan,
      domains,
      readiness: {
        pool: platform.pool,
        expectedSchemaVersion: latestVersion(),
        jobsAlive: () => platform.jobs.alive(),
        busConnected: () => platform.bus.stats().connected,
      },
    });
    parts.app = app;
    await listen(app, config.http.host, port);
    parts.drainTimeoutMs = config.http.drainTimeoutMs;
    const lan = lanServiceOf(domains);
    if (lan && lanPort !== null) {
      parts.lan = lan;
      await lan.listen(app, lanPort);
    }

    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutdown(`received ${signal}`, 0));
    // Under the desktop shell on Windows (no SIGTERM for a utility process), the shell asks through its parent port.
    const parentPort = (process as { parentPort?: { on(event: 'message', listener: (message: { data: unknown }) => void): void } }).parentPort;
    parentPort?.on('message', (message) => {
      if (isShutdownMessage(message.data)) void shutdown('the desktop app asked to stop', 0);
    });

    const ready: ReadyInfo = {
      event: 'ready',
      // Where this machine reaches Gatehouse (the desktop window, scripts, the CLI): always the HTTP listener itself,
      // whatever public URL was chosen (a saved https://id.example.lan may not even resolve here).
      url: loopbackUrl,
      publicUrl: ctx.publicUrl,
      pid: process.pid,
      instanceId,
      dataDir,
      database: config.database.url ? 'external' : 'embedded',
      postgresVersion,
      startupMs: Date.now() - started,
      ...Object.assign({}, ...domains.map((domain) => domain.readyInfo?.() ?? {})),
    };
    const { event: _event, pid: _pid, instanceId: _instanceId, setupUrl: _setupUrl, ...readyFields } = ready;
    log.info(readyFields, 'Gatehouse is ready');
    const setup = (ready.publicUrl !== ready.url ? ` Public URL (the OIDC issuer): ${ready.publicUrl}.` : '') + (ready.lanUrl ? ` LAN: ${ready.lanUrl}.` : '') + (ready.setupUrl ? ` Create the first admin at ${ready.setupUrl}` : '');
    process.stdout.write(options.json ? JSON.stringify(ready) + '\n' : `Gatehouse ${options.version} is ready at ${ready.url} (data: ${dataDir}; ${ready.database} PostgreSQL${postgresVersion ? ` ${postgresVersion}` : ''}; ${ready.startupMs} ms).${setup}\n`);
  } catch (error) {
    // Stop whatever did start, release the lock, and let the CLI print the message.
    await stopAll(parts, `startup failed: ${errorMessage(error)}`, loaded.shutdown.timeoutMs);
    throw error;
  }
}

interface Parts {
  dirLock: DataDirLock;
  closeLog: () => void;
  logger: Logger;
  cluster?: EmbeddedCluster;
  platform?: Platform;
  domains?: Domain[];
  app?: FastifyInstance;
  lan?: LanService;
  drainTimeoutMs?: number;
}

/** Stops in reverse order of start. Returns true when the deadline forced it. */
async function stopAll(parts: Parts, reason: string, timeoutMs: number): Promise<boolean> {
  const { logger } = parts;
  logger.info({ reason }, 'shutting down');
  let forced = false;
  const deadline = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
  const orderly = (async () => {
    if (parts.app) {
      // Stop accepting; requests in flight get drainTimeoutMs to finish.
      const drained = Promise.all([parts.app.close(), parts.lan?.closeListener()]);
      const drainLimit = new Promise((r) => setTimeout(r, parts.drainTimeoutMs ?? 5_000).unref());
      await Promise.race([drained, drainLimit]);
      parts.app.server.closeAllConnections();
      parts.lan?.closeAllConnections();
    }
    for (const domain of [...(parts.domains ?? [])].reverse()) await domain.stop?.().catch((error: unknown) => logger.error({ err: error, domain: domain.name }, 'stopping a domain failed'));
    if (parts.platform) await parts.platform.stop().catch((error: unknown) => logger.error({ err: error }, 'stopping the platform failed'));
    if (parts.cluster) await parts.cluster.stop();
  })();
  if ((await Promise.race([orderly, deadline])) === 'timeout') {
    forced = true;
    logger.error({ timeoutMs }, 'shutdown took too long; stopping PostgreSQL immediately');
    await parts.cluster?.stop({ immediate: true }).catch(() => undefined);
  }
  logger.info({ forced }, 'stopped');
  parts.dirLock.release();
  parts.closeLog();
  return forced;
}

/** Restarts an embedded PostgreSQL that died under us, with backoff; gives up after the last delay. */
function watchCluster(cluster: EmbeddedCluster, logger: Logger, stopping: () => boolean, giveUp: (reason: string) => void): void {
  let attempts = 0;
  let lastCrash = 0;
  cluster.on('exit', (code, signal) => {
    if (stopping()) return;
    if (Date.now() - lastCrash > 60_000) attempts = 0;
    lastCrash = Date.now();
    logger.error({ code, signal, log: cluster.logTail(10) }, 'PostgreSQL exited unexpectedly');
    const delay = RESTART_DELAYS_MS[attempts++];
    if (delay === undefined) {
      giveUp('PostgreSQL keeps crashing');
      return;
    }
    setTimeout(() => {
      if (stopping()) return;
      cluster.start().then(
        () => logger.warn({ attempt: attempts }, 'PostgreSQL restarted after a crash'),
        (error: unknown) => {
          logger.error({ err: error }, 'restarting PostgreSQL failed');
          giveUp(`PostgreSQL could not be restarted: ${errorMessage(error)}`);
        },
      );
    }, delay);
  });
}

async function listen(app: FastifyInstance, host: string, port: number): Promise<void> {
  try {
    await app.listen({ host, port });
  } catch (error) {
    throw listenError(error, host, port);
  }
}

/**
 * Fails fast, before PostgreSQL starts, when the HTTP port cannot be had; for port 0, picks a free one now,
 * because the public URL must be known before the domains start.
 */
async function reservePort(host: string, port: number, flags: ListenFlags = HTTP_FLAGS): Promise<number> {
  const probe = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ host, port, exclusive: true }, resolve);
    });
    return (probe.address() as net.AddressInfo).port;
  } catch (error) {
    throw listenError(error, host, port, flags);
  } finally {
    await new Promise((r) => probe.close(r));
  }
}

/** The flags that choose a listener's address and port, named in the messages of listenError. */
interface ListenFlags {
  host: string;
  port: string;
  /** A port above 1023 to suggest. */
  usualPort: number;
}
const HTTP_FLAGS: ListenFlags = { host: '--host', port: '--port', usualPort: 9080 };
const LAN_FLAGS: ListenFlags = { host: '--lan-bind', port: '--lan-port', usualPort: 9443 };

function listenError(error: unknown, host: string, port: number, flags: ListenFlags = HTTP_FLAGS): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new ApplianceError('port_in_use', `Port ${port} on ${host} is already in use by another program. Stop that program, or start Gatehouse with ${flags.port} <another port>.`);
  if (code === 'EADDRNOTAVAIL') return new ApplianceError('address_unavailable', `This machine has no address ${host}. Use ${flags.host} 127.0.0.1 (this machine only) or ${flags.host} 0.0.0.0 (every network).`);
  if (code === 'EACCES') return new ApplianceError('port_forbidden', `Gatehouse may not listen on port ${port} (ports below 1024 need special rights). Use ${flags.port} ${flags.usualPort} or another port above 1023.`);
  return error;
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
