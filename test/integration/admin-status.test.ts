// The dashboard's API (/api/v1/status) through app.inject() on a real database: who may call it, the facts it gives
// checked against PostgreSQL itself (version, size, connections, counts, backups), the URLs apps use, and the logins
// chart counting seeded sign-ins into the right bucket at each bucket's edges.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recountSignInHours } from '../../server/src/admin/status/sign-in-hours.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { AdminApi, expectGuarded } from '../helpers/admin-api.ts';
import { VERSION } from '../../server/src/appliance/paths.ts';
import type { OidcService } from '../../server/src/providers/oidc/index.ts';
import type { LoginsChart, StatusView } from '../../server/src/admin/status/schemas.ts';

let app: TestApp;
let api: AdminApi;

beforeAll(async () => {
  app = await createTestApp();
  api = await new AdminApi(app).setUp();
});

afterAll(async () => app?.close());

async function scalar<T>(sql: string, values: unknown[] = []): Promise<T> {
  const { rows } = await app.db.pool.query(sql, values);
  return Object.values(rows[0] as object)[0] as T;
}

describe('who may see the status', () => {
  it('refuses both routes without a session, to a non-admin, and to a token that lacks status:read, has expired, was revoked or whose admin was demoted', async () => {
    await expectGuarded(api, [
      { url: '/api/v1/status', scope: 'status:read' },
      { url: '/api/v1/status/logins?range=7d', scope: 'status:read' },
    ]);
  });

  it('lets a token with status:read in', async () => {
    const bearer = await api.token(['status:read']);
    expect((await api.call({ url: '/api/v1/status', bearer })).statusCode).toBe(200);
    expect((await api.call({ url: '/api/v1/status/logins', bearer })).statusCode).toBe(200);
  });
});

describe('the status of this instance and its database', () => {
  it('gives the version, the instance, its start, and the database as PostgreSQL reports it', async () => {
    const status = await api.ok<StatusView>({ url: '/api/v1/status' });
    expect(status.version).toBe(VERSION);
    expect(status.instanceId).toBe(app.platform.instanceId);
    expect(Date.parse(status.startedAt)).toBeLessThanOrEqual(Date.now());
    expect(Date.now() - Date.parse(status.startedAt)).toBeGreaterThanOrEqual(status.uptimeSeconds * 1000);
    expect(status.database.mode).toBe('embedded');
    expect(status.database.version).toBe(await scalar<string>('SHOW server_version'));
    expect(status.database.maxConnections).toBe(Number(await scalar<string>('SHOW max_connections')));
    const size = Number(await scalar<string>('SELECT pg_database_size(current_database())'));
    expect(Math.abs(status.database.sizeBytes - size)).toBeLessThan(size * 0.1);
  });

  it('keeps the connections in use within those open, and those open within the budget; counts every instance’s', async () => {
    const status = await api.ok<StatusView>({ url: '/api/v1/status' });
    const { connectionsInUse, connectionsOpen, connectionBudget, connectionsAllInstances } = status.database;
    expect(connectionBudget).toBe(app.ctx.config.database.maxConnections);
    // The status request itself holds a pool connection, and the bus listener is always open.
    expect(connectionsInUse).toBeGreaterThanOrEqual(2);
    expect(connectionsInUse).toBeLessThanOrEqual(connectionsOpen);
    expect(connectionsOpen).toBeLessThanOrEqual(connectionBudget);
    const ours = await scalar<number>("SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE $1", [`gatehouse:${app.platform.instanceId}:%`]);
    expect(ours).toBeLessThanOrEqual(connectionBudget);
    expect(connectionsAllInstances).toBeGreaterThanOrEqual(ours);

    const second = await createTestApp({ db: app.db });
    try {
      const secondOpen = await scalar<number>("SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE $1", [`gatehouse:${second.platform.instanceId}:%`]);
      expect(secondOpen).toBeGreaterThan(0);
      const withSecond = await api.ok<StatusView>({ url: '/api/v1/status' });
      expect(withSecond.database.connectionsAllInstances).toBeGreaterThanOrEqual(ours + secondOpen);
    } finally {
      await second.close();
    }
  });

  it('names the URLs applications use, and they answer', async () => {
    const { urls } = await api.ok<StatusView>({ url: '/api/v1/status' });
    expect(urls).toEqual({
      publicUrl: app.url,
      controlUi: `${app.url}/admin`,
      portal: `${app.url}/`,
      issuer: app.url,
      discovery: `${app.url}/.well-known/openid-configuration`,
      jwks: `${app.url}/oidc/jwks`,
    });
    // oidc-provider names its endpoints after the Host of the request: as a browser would send it.
    const host = new URL(urls.publicUrl).host;
    const discovery = await app.app.inject({ url: new URL(urls.discovery).pathname, headers: { host } });
    expect(discovery.statusCode).toBe(200);
    expect(discovery.json()).toMatchObject({ issuer: urls.issuer, jwks_uri: urls.jwks });
    const jwks = await app.app.inject({ url: new URL(urls.jwks).pathname, headers: { host } });
    expect(jwks.statusCode).toBe(200);
    expect(jwks.json().keys.length).toBeGreaterThan(0);
  });

  it('counts users, groups, applications and live sessions as the database holds them, leaving ended sessions out', async () => {
    const identity = api.identity;
    for (let i = 0; i < 5; i++) await identity.createUser({ username: `counted-${i}` });
    for (let i = 0; i < 3; i++) await identity.createGroup(`group-${i}`);
    await app.service<OidcService>('oidc').createClient({ name: 'Counted', redirectUris: ['https://app.example.test/cb'] });
    const ended = await identity.createSession(api.user.id, { authMethods: ['pwd'] });
    await app.db.pool.query("UPDATE sessions SET idle_expires_at = now() - interval '1 second' WHERE id = $1", [ended.session.id]);

    const { counts } = await api.ok<StatusView>({ url: '/api/v1/status' });
    expect(counts).toEqual({
      users: await scalar<number>('SELECT count(*)::int FROM users'),
      groups: await scalar<number>('SELECT count(*)::int FROM groups'),
      applications: await scalar<number>('SELECT count(*)::int FROM oidc_clients'),
      activeSessions: await scalar<number>('SELECT count(*)::int FROM sessions WHERE idle_expires_at > now() AND expires_at > now()'),
    });
    expect(counts.users).toBeGreaterThanOrEqual(7);
    expect(counts.groups).toBeGreaterThanOrEqual(3);
    expect(counts.applications).toBeGreaterThanOrEqual(1);
    expect(counts.activeSessions).toBe((await scalar<number>('SELECT count(*)::int FROM sessions')) - 1);
  });

  it('gives the last backup that succeeded and the last that failed, from the runs', async () => {
    expect((await api.ok<StatusView>({ url: '/api/v1/status' })).backups).toEqual({ lastSucceededAt: null, lastFailedAt: null });
    const run = (status: string, finishedAt: string, kind = 'backup') =>
      app.db.pool.query(
        `INSERT INTO backup_runs (kind, trigger, status, instance_id, started_at, finished_at) VALUES ($1, 'manual', $2, 'test', $3::timestamptz - interval '1 minute', $3)`,
        [kind, status, finishedAt],
      );
    await run('succeeded', '2026-01-02T03:00:00Z');
    await run('succeeded', '2026-01-05T03:00:00Z');
    await run('failed', '2026-01-04T03:00:00Z');
    // A verify is not a backup.
    await run('succeeded', '2026-01-09T03:00:00Z', 'verify');
    expect((await api.ok<StatusView>({ url: '/api/v1/status' })).backups).toEqual({ lastSucceededAt: '2026-01-05T03:00:00.000Z', lastFailedAt: '2026-01-04T03:00:00.000Z' });
  });
});

describe('the logins chart', () => {
  const HOUR = 3_600_000;
  const DAY = 24 * HOUR;
  const inserted: Array<{ at: Date; type: string }> = [];

  beforeAll(async () => {
    const now = Date.now();
    const hourStart = Math.floor(now / HOUR) * HOUR;
    const dayStart = Math.floor(now / DAY) * DAY;
    // At each range's edges: the first instant of the current bucket, the last of the one before, the first of the
    // oldest bucket, and the last instant before it (outside the range).
    const times = [
      hourStart, hourStart - 1, hourStart - 23 * HOUR, hourStart - 23 * HOUR - 1, hourStart - 5 * HOUR + 1_234,
      dayStart, dayStart - 1, dayStart - 6 * DAY, dayStart - 6 * DAY - 1, dayStart - 29 * DAY, dayStart - 29 * DAY - 1,
    ];
    for (const [i, time] of times.entries()) {
      for (const type of i % 3 === 2 ? ['user.login_failed'] : ['user.login_succeeded', 'user.login_succeeded', 'user.login_failed']) {
        inserted.push({ at: new Date(time), type });
      }
    }
    // Not sign-ins: never counted.
    const others = [{ at: new Date(hourStart), type: 'user.created' }, { at: new Date(hourStart), type: 'session.revoked' }];
    for (const event of [...inserted, ...others]) {
      await app.db.pool.query("INSERT INTO events (occurred_at, type, actor, data) VALUES ($1, $2, 'test', '{}')", [event.at, event.type]);
    }
    // What the minutely job does: count the hours into sign_in_hours.
    await recountSignInHours(app.db.pool);
  });

  /** What each bucket must hold, counted here from what was inserted. */
  function expected(chart: LoginsChart): Array<{ start: string; succeeded: number; failed: number }> {
    return chart.buckets.map(({ start }) => {
      const from = Date.parse(start);
      const within = inserted.filter((event) => event.at.getTime() >= from && event.at.getTime() < from + chart.bucketSeconds * 1000);
      return { start, succeeded: within.filter((e) => e.type === 'user.login_succeeded').length, failed: within.filter((e) => e.type === 'user.login_failed').length };
    });
  }

  for (const [range, count, unit] of [['24h', 24, HOUR], ['7d', 7, DAY], ['30d', 30, DAY]] as const) {
    it(`gives ${count} buckets for ${range}, oldest first, empty ones included, each sign-in in the bucket it falls in`, async () => {
      const chart = await api.ok<LoginsChart>({ url: `/api/v1/status/logins?range=${range}` });
      expect(chart.range).toBe(range);
      expect(chart.bucketSeconds * 1000).toBe(unit);
      expect(chart.buckets).toHaveLength(count);
      const starts = chart.buckets.map((bucket) => Date.parse(bucket.start));
      expect(starts.every((start) => start % unit === 0), 'whole UTC hours or days').toBe(true);
      expect(starts.slice(1).map((start, i) => start - starts[i]!)).toEqual(Array(count - 1).fill(unit));
      expect(starts.at(-1)!).toBeLessThanOrEqual(Date.now());
      expect(starts.at(-1)! + unit).toBeGreaterThan(Date.now() - 60_000);
      expect(chart.buckets).toEqual(expected(chart));
      expect(chart.buckets.some((bucket) => bucket.succeeded === 0 && bucket.failed === 0), 'empty buckets are listed').toBe(true);
      // The edges: the newest bucket has the sign-ins made at its first instant, and nothing before the oldest counts.
      const total = chart.buckets.reduce((sum, bucket) => sum + bucket.succeeded + bucket.failed, 0);
      expect(total).toBe(inserted.filter((event) => event.at.getTime() >= starts[0]! && event.at.getTime() < starts.at(-1)! + unit).length);
      expect(chart.buckets.at(-1)!.succeeded + chart.buckets.at(-1)!.failed).toBeGreaterThan(0);
    });
  }

  it('counts the last two hours from events at once, and older hours from the hourly counts the job keeps', async () => {
    const before = await api.ok<LoginsChart>({ url: '/api/v1/status/logins?range=24h' });
    const now = new Date();
    const threeHoursAgo = new Date(Math.floor(now.getTime() / HOUR) * HOUR - 3 * HOUR + 1);
    for (const at of [now, threeHoursAgo]) {
      await app.db.pool.query("INSERT INTO events (occurred_at, type, actor, data) VALUES ($1, 'user.login_succeeded', 'test', '{}')", [at]);
    }
    const sum = (chart: LoginsChart) => chart.buckets.reduce((total, bucket) => total + bucket.succeeded, 0);
    // The sign-in of now shows at once; the one three hours ago waits for the job (nothing recounts that hour yet).
    expect(sum(await api.ok<LoginsChart>({ url: '/api/v1/status/logins?range=24h' }))).toBe(sum(before) + 1);
    await app.db.pool.query("DELETE FROM sign_in_hours WHERE hour >= $1", [new Date(threeHoursAgo.getTime() - 1)]);
    await recountSignInHours(app.db.pool);
    expect(sum(await api.ok<LoginsChart>({ url: '/api/v1/status/logins?range=24h' }))).toBe(sum(before) + 2);
    inserted.push({ at: now, type: 'user.login_succeeded' }, { at: threeHoursAgo, type: 'user.login_succeeded' });
  });

  it('answers 24 hourly buckets when no range is given, and names the field of an unknown range', async () => {
    expect((await api.ok<LoginsChart>({ url: '/api/v1/status/logins' })).buckets).toHaveLength(24);
    const response = await api.asAdmin({ url: '/api/v1/status/logins?range=1y' });
    expect(response.statusCode).toBe(400);
    expect(response.json().field).toBe('range');
  });
});
