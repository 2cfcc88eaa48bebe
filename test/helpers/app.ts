// The whole application in the test process: a fresh database, the platform, every domain, and Fastify.
// `listen: true` also serves it on 127.0.0.1 (for browsers and protocol clients); otherwise use app.inject().
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { createTestDatabase, type TestDatabase } from './db.ts';
import { validateConfig, type Config } from '../../server/src/appliance/config.ts';
import type { AppContext, Domain } from '../../server/src/appliance/context.ts';
import { createDomains } from '../../server/src/appliance/domains.ts';
import { createPlatform, type Platform } from '../../server/src/platform/index.ts';
import { createMetrics } from '../../server/src/platform/metrics.ts';
import { buildServer } from '../../server/src/http/app.ts';
import { latestVersion } from '../../server/src/db/migrate.ts';
import { SecretBox } from '../../server/src/secrets/secret-box.ts';

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  db: TestDatabase;
  platform: Platform;
  domains: Domain[];
  /** The base URL (publicUrl): http://127.0.0.1:<port> when listening. */
  url: string;
  /** Finds a domain's service by name. */
  service<T>(name: string): T;
  close(): Promise<void>;
}

export interface TestAppOptions {
  listen?: boolean;
  config?: Record<string, unknown>;
  logger?: Logger;
  /** An existing test database to share (e.g. two app instances on one database). */
  db?: TestDatabase;
  /** The instance's data dir (backups, media); a new temporary folder by default. */
  dataDir?: string;
}

export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** One master key per test database, so that several app instances on one database read each other's secrets. */
const masterKeys = new WeakMap<TestDatabase, Buffer>();

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const logger = options.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const ownsDb = !options.db;
  const db = options.db ?? (await createTestDatabase());
  const port = options.listen ? await freePort() : 9080;
  const config: Readonly<Config> = validateConfig({ ...options.config, http: { port, ...(options.config?.http as object) } });
  const platform = createPlatform({
    target: db.config,
    instanceId: `test-${randomBytes(3).toString('hex')}`,
    logger,
    maxConnections: config.database.maxConnections,
    statementTimeoutMs: config.database.statementTimeoutMs,
    jobConcurrency: config.jobs.concurrency,
    lruMaxEntries: config.cache.lruMaxEntries,
  });
  const ctx: AppContext = {
    config,
    logger,
    platform,
    dataDir: options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-app-')),
    publicUrl: config.http.publicUrl ?? `http://127.0.0.1:${port}`,
    secrets: new SecretBox(masterKeyOf(db)),
    httpPort: port,
  };
  const domains = await createDomains(ctx);
  for (const domain of domains) domain.defineJobs?.(platform.jobs);
  await platform.start();
  for (const domain of domains) await domain.start?.();
  const app = await buildServer({
    logger,
    metrics: createMetrics(platform),
    metricsFromLan: false,
    domains,
    readiness: { pool: platform.pool, expectedSchemaVersion: latestVersion(), jobsAlive: () => platform.jobs.alive(), busConnected: () => platform.bus.stats().connected },
  });
  if (options.listen) await app.listen({ host: '127.0.0.1', port });
  return {
    app,
    ctx,
    db,
    platform,
    domains,
    url: ctx.publicUrl,
    service<T>(name: string): T {
      const domain = domains.find((d) => d.name === name);
      if (!domain) throw new Error(`no domain named ${name}`);
      return domain.service as T;
    },
    async close() {
      await app.close();
      for (const domain of [...domains].reverse()) await domain.stop?.();
      await platform.stop();
      if (ownsDb) await db.drop();
      if (!options.dataDir) fs.rmSync(ctx.dataDir, { recursive: true, force: true });
    },
  };
}

function masterKeyOf(db: TestDatabase): Buffer {
  let key = masterKeys.get(db);
  if (!key) {
    key = randomBytes(32);
    masterKeys.set(db, key);
  }
  return key;
}
