// Two `gatehouse serve` processes against one existing PostgreSQL (--database-url).
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterConnection } from '../helpers/db.ts';
import { removeDataDir, runGatehouse, startServe, tempDataDir, type ServeProcess } from '../helpers/serve.ts';
import { loadMigrations } from '../../server/src/db/migrate.ts';

const base = clusterConnection();
const database = `ext_${randomBytes(5).toString('hex')}`;
const url = `postgresql://${base.user}:${encodeURIComponent(base.password)}@localhost/${database}?host=${encodeURIComponent(base.host)}&port=${base.port}`;
const dataDirs = [tempDataDir(), tempDataDir()];
let servers: ServeProcess[] = [];
let admin: pg.Client;

beforeAll(async () => {
  admin = new pg.Client({ ...base, database: 'postgres' });
  await admin.connect();
  // An empty database: both instances race to migrate it.
  await admin.query(`CREATE DATABASE ${database}`);
  // Instances on one database share the master key that seals the signing keys.
  const env = { GATEHOUSE_SECRETS_MASTER_KEY: randomBytes(32).toString('base64') };
  servers = await Promise.all(dataDirs.map((dir) => startServe(dir, { args: ['--database-url', url], env })));
});

afterAll(async () => {
  for (const server of servers) server.child.kill('SIGKILL');
  await Promise.all(servers.map((s) => s.exited));
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
  dataDirs.forEach(removeDataDir);
});

async function connectionsOf(instanceId: string): Promise<number> {
  const { rows } = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE $2`, [database, `gatehouse:${instanceId}:%`]);
  return rows[0].n;
}

describe('two instances on one external PostgreSQL', () => {
  it('both come up ready, and racing to migrate an empty database applies each migration once', async () => {
    for (const server of servers) {
      expect(server.ready.database).toBe('external');
      expect((await fetch(`${server.ready.url}/readyz`)).status).toBe(200);
    }
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const { rows } = await db.query('SELECT version FROM schema_migrations ORDER BY version');
    await db.end();
    expect(rows.map((r) => r.version)).toEqual(loadMigrations().map((m) => m.version));
  });

  it('a third instance with another master key refuses to start, saying how to share the key', async () => {
    const dir = tempDataDir();
    try {
      const result = await runGatehouse(['serve', '--data', dir, '--port', '0', '--database-url', url], { env: { GATEHOUSE_SECRETS_MASTER_KEY: randomBytes(32).toString('base64') } });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Every instance on one database needs the same master key');
      expect(result.stderr).not.toContain('    at ');
    } finally {
      removeDataDir(dir);
    }
  });

  it('start no PostgreSQL of their own', () => {
    for (const dir of dataDirs) expect(fs.existsSync(`${dir}/postgres`)).toBe(false);
  });

  it('each stays within its connection budget, under a burst of requests', async () => {
    await Promise.all(servers.flatMap((s) => Array.from({ length: 100 }, () => fetch(`${s.ready.url}/readyz`).then((r) => r.arrayBuffer()))));
    for (const server of servers) {
      const count = await connectionsOf(server.ready.instanceId);
      expect(count).toBeGreaterThanOrEqual(2); // at least the bus listener and a pool connection
      expect(count).toBeLessThanOrEqual(12);
    }
  });

  it('one keeps serving when the other is killed, and the killed one leaves no connections behind', async () => {
    const [victim, survivor] = servers as [ServeProcess, ServeProcess];
    victim.child.kill('SIGKILL');
    await victim.exited;
    expect((await fetch(`${survivor.ready.url}/readyz`)).status).toBe(200);
    const deadline = Date.now() + 10_000;
    while ((await connectionsOf(victim.ready.instanceId)) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await connectionsOf(victim.ready.instanceId)).toBe(0);
  });
});
