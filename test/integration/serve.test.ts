// The appliance lifecycle through real `gatehouse serve` processes on an embedded PostgreSQL.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectToDataDir, postgresProcessesOf, removeDataDir, startServe, tempDataDir, type ServeProcess } from '../helpers/serve.ts';

describe('gatehouse serve on an empty data dir', () => {
  let dataDir: string;
  let server: ServeProcess;

  beforeAll(async () => {
    dataDir = tempDataDir();
    fs.rmSync(dataDir, { recursive: true }); // serve must create it
    server = await startServe(dataDir, { env: { GATEHOUSE_LOG_LEVEL: 'info' } });
  });
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    removeDataDir(dataDir);
  });

  it('prints one machine-readable ready line with the URL', () => {
    const lines = server.output().stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(server.ready).toMatchObject({ event: 'ready', database: 'embedded', dataDir });
    expect(server.ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('creates the data dir 0700 and keeps the PostgreSQL password 0600', () => {
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(dataDir, 'secrets', 'postgres-password')).mode & 0o777).toBe(0o600);
  });

  it('serves PostgreSQL on a unix socket in the data dir and not on TCP', async () => {
    expect(fs.existsSync(path.join(dataDir, '.s.PGSQL.5432'))).toBe(true);
    const client = await connectToDataDir(dataDir);
    try {
      const { rows } = await client.query(`SELECT current_setting('listen_addresses') AS listen, current_setting('jit') AS jit`);
      expect(rows[0]).toEqual({ listen: '', jit: 'off' });
    } finally {
      await client.end();
    }
  });

  it('answers /healthz and a /readyz that lists every check', async () => {
    const health = await fetch(`${server.ready.url}/healthz`);
    expect(health.status).toBe(200);
    expect(health.headers.get('x-request-id')).toBeTruthy();
    const ready = await fetch(`${server.ready.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { database: { ok: true }, migrations: { ok: true }, jobs: { ok: true }, bus: { ok: true } },
    });
  });

  it('serves Prometheus metrics with the connection budget and pool state', async () => {
    const response = await fetch(`${server.ready.url}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/^gatehouse_db_connections_budget 12$/m);
    expect(text).toMatch(/^gatehouse_db_pool_max 5$/m);
    expect(text).toMatch(/^gatehouse_db_jobs_pool_max 5$/m);
    for (const name of ['gatehouse_db_pool_waiting', 'gatehouse_db_connections_in_use', 'gatehouse_bus_messages_published_total', 'gatehouse_jobs_completed_total', 'gatehouse_cache_misses_total', 'gatehouse_job_duration_seconds_sum']) {
      expect(text).toContain(name);
    }
  });

  it('never holds more connections than its budget', async () => {
    const client = await connectToDataDir(dataDir);
    try {
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name LIKE 'gatehouse:' || $1 || ':%'`, [server.ready.instanceId]);
      expect(rows[0].n).toBeGreaterThan(0);
      expect(rows[0].n).toBeLessThanOrEqual(12);
    } finally {
      await client.end();
    }
  });

  it('answers unknown routes with a JSON error and a request id', async () => {
    const response = await fetch(`${server.ready.url}/nope`);
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: string; requestId: string };
    expect(body.error).toBe('not_found');
    expect(body.requestId).toBe(response.headers.get('x-request-id'));
  });

  it('writes structured logs to a file in the data dir', () => {
    const lines = fs.readFileSync(path.join(dataDir, 'logs', 'gatehouse.log'), 'utf8').trim().split('\n');
    const entries = lines.map((line) => JSON.parse(line) as { msg: string; level: number; instanceId?: string; requestId?: string });
    expect(entries.find((e) => e.msg === 'Gatehouse is ready')?.instanceId).toBe(server.ready.instanceId);
    // Request logs carry the request id that the response gave the client.
    expect(entries.some((e) => typeof e.requestId === 'string' && e.requestId.length > 0)).toBe(true);
  });

  it('stops on SIGTERM within 10 s with exit 0, stopping PostgreSQL and releasing the lock', async () => {
    const exit = await server.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(10_000);
    expect(postgresProcessesOf(dataDir)).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, 'gatehouse.lock'))).toBe(false);
  });

  it('starts again on the same data dir with every committed row kept, and stops on SIGINT', async () => {
    const second = await startServe(dataDir);
    try {
      const client = await connectToDataDir(dataDir);
      await client.query('CREATE TABLE kept (n int)');
      await client.query('INSERT INTO kept SELECT generate_series(1, 1000)');
      await client.end();
    } finally {
      expect((await second.stop('SIGINT')).code).toBe(0);
    }
    const third = await startServe(dataDir);
    try {
      const client = await connectToDataDir(dataDir);
      expect((await client.query('SELECT count(*)::int AS n FROM kept')).rows[0].n).toBe(1000);
      await client.end();
    } finally {
      await third.stop();
    }
  });
});
