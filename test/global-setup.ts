// Starts one embedded PostgreSQL for the whole test run (through the same supervisor the appliance uses)
// and prepares a migrated template database that every test file clones.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import type { TestProject } from 'vitest/node';
import { EmbeddedCluster, type ClusterConnection } from '../server/src/postgres/cluster.ts';
import { ensureDataDir } from '../server/src/appliance/data-dir.ts';
import { migrate } from '../server/src/db/migrate.ts';
import { migrateJobSchema } from '../server/src/platform/jobs.ts';

export const TEMPLATE_DATABASE = 'gatehouse_template';

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: ClusterConnection & { template: string };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Short path: PostgreSQL's socket path must fit in 107 bytes.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-test-'));
  ensureDataDir(dataDir);
  const logger = pino({ level: 'warn' });
  const cluster = new EmbeddedCluster({
    dataDir,
    port: 5432,
    tcp: { enabled: false, port: 5432 },
    startTimeoutMs: 60_000,
    stopTimeoutMs: 10_000,
    logger,
    // Test data is disposable: trade durability for speed, and allow many test databases at once.
    settings: { max_connections: '400', fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
  });
  const connection = await cluster.start();
  const admin = new pg.Client({ ...connection, database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  await admin.end();
  const template = { ...connection, database: TEMPLATE_DATABASE };
  await migrate(template, { lockTimeoutMs: 10_000, logger });
  await migrateJobSchema(template);
  project.provide('postgres', { ...connection, template: TEMPLATE_DATABASE });
  return async () => {
    await cluster.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
