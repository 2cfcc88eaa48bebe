// The HTTP surface through app.inject(), on a real platform and database.
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { createPlatform, type Platform } from '../../server/src/platform/index.ts';
import { createMetrics } from '../../server/src/platform/metrics.ts';
import { buildServer } from '../../server/src/http/app.ts';
import { errorHandler, HttpError } from '../../server/src/http/errors.ts';
import { latestVersion } from '../../server/src/db/migrate.ts';

const logger = pino({ level: 'silent' });
let db: TestDatabase;
let platform: Platform;
let app: FastifyInstance;
let expectedSchemaVersion = latestVersion();
let metricsFromLan = false;

async function build(): Promise<FastifyInstance> {
  return buildServer({
    logger,
    metrics: createMetrics(platform),
    metricsFromLan,
    readiness: {
      pool: platform.pool,
      expectedSchemaVersion,
      jobsAlive: () => platform.jobs.alive(),
      busConnected: () => platform.bus.stats().connected,
    },
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  platform = createPlatform({ target: db.config, instanceId: 'http-test', logger, maxConnections: 12, statementTimeoutMs: 5_000, jobConcurrency: 2, lruMaxEntries: 100 });
  await platform.start();
  app = await build();
});

afterAll(async () => {
  await app?.close();
  await platform?.stop();
  await db?.drop();
});

describe('health', () => {
  it('/readyz says ready with every check when all parts run', async () => {
    const response = await app.inject('/readyz');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready', checks: { database: { ok: true }, migrations: { ok: true }, jobs: { ok: true }, bus: { ok: true } } });
  });

  it('/readyz answers 503 and names the migrations when the schema is not the one this version needs', async () => {
    expectedSchemaVersion = '29991231000000';
    const behind = await build();
    try {
      const response = await behind.inject('/readyz');
      expect(response.statusCode).toBe(503);
      const body = response.json() as { status: string; checks: Record<string, { ok: boolean; detail?: string }> };
      expect(body.status).toBe('not_ready');
      expect(body.checks.migrations).toEqual({ ok: false, detail: `schema is at ${latestVersion()}, this version needs 29991231000000` });
      expect(body.checks.database).toEqual({ ok: true });
    } finally {
      expectedSchemaVersion = latestVersion();
      await behind.close();
    }
  });

  it('/readyz names the bus while its listener is down', async () => {
    const { rows } = await db.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'gatehouse:http-test:bus'`);
    expect(rows).toHaveLength(1);
    const response = await app.inject('/readyz');
    const body = response.json() as { checks: Record<string, { ok: boolean }> };
    // The listener reconnects within ~100 ms; either it is still down (and named) or back.
    if (response.statusCode === 503) expect(body.checks.bus!.ok).toBe(false);
    const deadline = Date.now() + 10_000;
    while ((await app.inject('/readyz')).statusCode !== 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect((await app.inject('/readyz')).statusCode).toBe(200);
  });

  it('/healthz answers while the process runs', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'alive' });
  });
});

describe('metrics', () => {
  it('are served to loopback callers in Prometheus text format', async () => {
    await platform.bus.publish('metrics.test', { hello: 1 });
    const response = await app.inject({ url: '/metrics', remoteAddress: '127.0.0.1' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toMatch(/^gatehouse_bus_messages_published_total [1-9]\d*$/m);
    expect(response.body).toMatch(/^gatehouse_db_connections_budget 12$/m);
    expect(response.body).toMatch(/^gatehouse_process_resident_memory_bytes \d+/m);
  });

  it('are refused to LAN callers unless metricsFromLan is on', async () => {
    const refused = await app.inject({ url: '/metrics', remoteAddress: '192.168.1.20' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: 'forbidden' });
    metricsFromLan = true;
    const open = await build();
    try {
      expect((await open.inject({ url: '/metrics', remoteAddress: '192.168.1.20' })).statusCode).toBe(200);
    } finally {
      metricsFromLan = false;
      await open.close();
    }
  });
});

describe('requests', () => {
  it('echo a well-formed X-Request-Id and replace a malformed one', async () => {
    const kept = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'proxy-abc123-xyz' } });
    expect(kept.headers['x-request-id']).toBe('proxy-abc123-xyz');
    const replaced = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'evil\ninjected log line that is long' } });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('carry security headers and no-store caching', async () => {
    const response = await app.inject('/healthz');
    expect(response.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' });
  });

  it('to unknown routes get a JSON 404 without echoing the query string', async () => {
    const response = await app.inject('/nothing-here?token=secret');
    expect(response.statusCode).toBe(404);
    expect(response.body).not.toContain('secret');
    expect(response.json()).toMatchObject({ error: 'not_found', message: 'No route for GET /nothing-here.' });
  });
});

describe('the error handler', () => {
  it('never shows an internal error to the client, only the request id to quote', async () => {
    const probe = Fastify({ logger: false });
    probe.setErrorHandler(errorHandler);
    probe.get('/boom', async () => {
      throw new Error('connection to 10.0.0.3 failed: password authentication failed for user "gatehouse"');
    });
    probe.get('/teapot', async () => {
      throw new HttpError(418, 'short_and_stout', 'I am a teapot.');
    });
    const boom = await probe.inject('/boom');
    expect(boom.statusCode).toBe(500);
    expect(boom.body).not.toContain('10.0.0.3');
    expect(boom.json()).toMatchObject({ error: 'internal_error' });
    const teapot = await probe.inject('/teapot');
    expect(teapot.statusCode).toBe(418);
    expect(teapot.json()).toMatchObject({ error: 'short_and_stout', message: 'I am a teapot.' });
    await probe.close();
  });
});
