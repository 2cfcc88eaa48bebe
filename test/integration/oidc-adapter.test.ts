// oidc-provider's PostgreSQL adapter: every call one statement, each served by an index, and the semantics
// oidc-provider relies on (consume once, revoke a grant's tokens, find by uid and user code, expiry cleanup).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { errors } from 'oidc-provider';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { PayloadStore } from '../../server/src/providers/oidc/adapter.ts';
import { cleanupTargets, runCleanup } from '../../server/src/platform/cleanup.ts';

let db: TestDatabase;
let statements: string[];
let store: PayloadStore;

/** The pool, counting the statements sent (one per round trip). */
function countingPool(pool: pg.Pool): pg.Pool {
  return {
    query: (...args: Parameters<pg.Pool['query']>) => {
      const [first] = args as unknown as [string | { text: string }];
      statements.push(typeof first === 'string' ? first : first.text);
      return (pool.query as (...a: unknown[]) => unknown)(...args);
    },
  } as unknown as pg.Pool;
}

async function roundTrips<T>(work: () => Promise<T>): Promise<{ value: T; count: number }> {
  statements = [];
  const value = await work();
  return { value, count: statements.length };
}

beforeAll(async () => {
  db = await createTestDatabase();
  statements = [];
  store = new PayloadStore(countingPool(db.pool), errors.InvalidGrant);
});

afterAll(async () => {
  await db?.drop();
});

const tokens = (model: string) => store.adapterFor(model);

describe('the adapter', () => {
  it('stores and finds a payload in one statement each', async () => {
    const accessTokens = tokens('AccessToken');
    const payload = { jti: 'at-1', kind: 'AccessToken', clientId: 'c1', accountId: 'u1', grantId: 'g1', exp: 2_000_000_000 };
    expect((await roundTrips(() => accessTokens.upsert('at-1', payload, 3600))).count).toBe(1);
    const found = await roundTrips(() => accessTokens.find('at-1'));
    expect(found).toEqual({ value: payload, count: 1 });
    expect(await tokens('RefreshToken').find('at-1')).toBeUndefined();
    expect(await accessTokens.find('nope')).toBeUndefined();
  });

  it('commits client-credentials tokens asynchronously, and everything issued to users synchronously', async () => {
    await roundTrips(() => tokens('ClientCredentials').upsert('cc-async', { jti: 'cc-async' }, 60));
    expect(statements[0]).toContain("set_config('synchronous_commit', 'off', true)");
    for (const model of ['AccessToken', 'RefreshToken', 'AuthorizationCode', 'Grant', 'Session']) {
      await roundTrips(() => tokens(model).upsert(`sync-${model}`, { jti: `sync-${model}` }, 60));
      expect(statements[0], model).not.toContain('synchronous_commit');
    }
    expect(await tokens('ClientCredentials').find('cc-async')).toEqual({ jti: 'cc-async' });
  });

  it('combines client-credentials saves that arrive while others are in flight into one statement', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `cc-burst-${i}`);
    const { count } = await roundTrips(() => Promise.all(ids.map((id) => tokens('ClientCredentials').upsert(id, { jti: id }, 60))));
    // Two go at once; the other eighteen wait for the first to return, and go together.
    expect(count).toBe(3);
    const found = await Promise.all(ids.map((id) => tokens('ClientCredentials').find(id)));
    expect(found.map((payload) => payload?.jti)).toEqual(ids);
  });

  it('saves one id twice in one combined statement as its last payload', async () => {
    await Promise.all([
      tokens('ClientCredentials').upsert('cc-a', { jti: 'cc-a' }, 60),
      tokens('ClientCredentials').upsert('cc-b', { jti: 'cc-b' }, 60),
      tokens('ClientCredentials').upsert('cc-twice', { jti: 'cc-twice', n: 1 }, 60),
      tokens('ClientCredentials').upsert('cc-twice', { jti: 'cc-twice', n: 2 }, 60),
    ]);
    expect(await tokens('ClientCredentials').find('cc-twice')).toEqual({ jti: 'cc-twice', n: 2 });
  });

  it('replaces a payload saved again under the same id', async () => {
    const sessions = tokens('Session');
    await sessions.upsert('s-1', { jti: 's-1', uid: 'uid-1', accountId: 'u1' }, 60);
    await sessions.upsert('s-1', { jti: 's-1', uid: 'uid-1', accountId: 'u2' }, 60);
    expect(await sessions.find('s-1')).toMatchObject({ accountId: 'u2' });
  });

  it('answers finds of one id under several models, made in the same tick, with one statement', async () => {
    await tokens('ClientCredentials').upsert('shared', { jti: 'shared', kind: 'ClientCredentials', clientId: 'c2' }, 60);
    const { value, count } = await roundTrips(() =>
      Promise.all([tokens('AccessToken').find('shared'), tokens('ClientCredentials').find('shared'), tokens('RefreshToken').find('shared')]),
    );
    expect(count).toBe(1);
    expect(value).toEqual([undefined, { jti: 'shared', kind: 'ClientCredentials', clientId: 'c2' }, undefined]);
  });

  it('gives two finds of the same model and id their own copies', async () => {
    await tokens('Grant').upsert('copy', { jti: 'copy', accountId: 'u1', clientId: 'c1' }, 60);
    const [a, b] = await Promise.all([tokens('Grant').find('copy'), tokens('Grant').find('copy')]);
    expect(a).toEqual(b);
    expect(a).not.toBe(b);
  });

  it('finds a session by its uid and a device code by its user code, in one statement', async () => {
    await tokens('Session').upsert('s-2', { jti: 's-2', uid: 'uid-2', accountId: 'u1' }, 60);
    await tokens('DeviceCode').upsert('dc-1', { jti: 'dc-1', userCode: 'BCDFGHJK', clientId: 'c1' }, 60);
    expect(await roundTrips(() => tokens('Session').findByUid('uid-2'))).toEqual({ value: { jti: 's-2', uid: 'uid-2', accountId: 'u1' }, count: 1 });
    expect(await roundTrips(() => tokens('DeviceCode').findByUserCode('BCDFGHJK'))).toMatchObject({ value: { jti: 'dc-1' }, count: 1 });
    expect(await tokens('Session').findByUid('uid-none')).toBeUndefined();
  });

  it('consumes a code once: the payload then says when, and a second consume is invalid_grant', async () => {
    const codes = tokens('AuthorizationCode');
    await codes.upsert('code-1', { jti: 'code-1', grantId: 'g2' }, 60);
    expect((await roundTrips(() => codes.consume('code-1'))).count).toBe(1);
    const consumed = (await codes.find('code-1'))!.consumed as number;
    expect(Math.abs(consumed - Date.now() / 1000)).toBeLessThan(5);
    await expect(codes.consume('code-1')).rejects.toBeInstanceOf(errors.InvalidGrant);
    // Saving it again does not make it usable again.
    await codes.upsert('code-1', { jti: 'code-1', grantId: 'g2' }, 60);
    expect((await codes.find('code-1'))!.consumed).toBe(consumed);
  });

  it('lets only one of two parallel consumes of a refresh token succeed', async () => {
    const refreshTokens = tokens('RefreshToken');
    await refreshTokens.upsert('rt-1', { jti: 'rt-1', grantId: 'g3' }, 60);
    const results = await Promise.allSettled([refreshTokens.consume('rt-1'), refreshTokens.consume('rt-1')]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('consumes other models (a pushed authorization request) without complaint when repeated', async () => {
    const requests = tokens('PushedAuthorizationRequest');
    await requests.upsert('par-1', { jti: 'par-1' }, 60);
    await requests.consume('par-1');
    await expect(requests.consume('par-1')).resolves.toBeUndefined();
  });

  it('destroys one payload in one statement', async () => {
    await tokens('Interaction').upsert('i-1', { jti: 'i-1', grantId: 'g-not-a-member' }, 60);
    expect((await roundTrips(() => tokens('Interaction').destroy('i-1'))).count).toBe(1);
    expect(await tokens('Interaction').find('i-1')).toBeUndefined();
  });

  it('revokes everything issued under a grant, and nothing else, in one statement for parallel calls', async () => {
    await tokens('AccessToken').upsert('g4-at', { jti: 'g4-at', grantId: 'g4' }, 60);
    await tokens('RefreshToken').upsert('g4-rt', { jti: 'g4-rt', grantId: 'g4' }, 60);
    await tokens('AuthorizationCode').upsert('g4-code', { jti: 'g4-code', grantId: 'g4' }, 60);
    await tokens('AccessToken').upsert('g5-at', { jti: 'g5-at', grantId: 'g5' }, 60);
    // An interaction names its grant too, but is not issued under it.
    await tokens('Interaction').upsert('g4-interaction', { jti: 'g4-interaction', grantId: 'g4' }, 60);
    const { count } = await roundTrips(() =>
      Promise.all(['AccessToken', 'RefreshToken', 'AuthorizationCode', 'DeviceCode'].map((model) => tokens(model).revokeByGrantId('g4'))),
    );
    expect(count).toBe(1);
    expect(await tokens('AccessToken').find('g4-at')).toBeUndefined();
    expect(await tokens('RefreshToken').find('g4-rt')).toBeUndefined();
    expect(await tokens('AuthorizationCode').find('g4-code')).toBeUndefined();
    expect(await tokens('AccessToken').find('g5-at')).toBeDefined();
    expect(await tokens('Interaction').find('g4-interaction')).toBeDefined();
  });

  it('finds the grant a user gave a client, the newest valid one, and revokes it with its tokens', async () => {
    await tokens('Grant').upsert('grant-old', { jti: 'grant-old', accountId: 'owner', clientId: 'app' }, 60);
    await tokens('Grant').upsert('grant-new', { jti: 'grant-new', accountId: 'owner', clientId: 'app' }, 3600);
    await tokens('Grant').upsert('grant-expired', { jti: 'grant-expired', accountId: 'owner', clientId: 'app' }, -10);
    await tokens('Grant').upsert('grant-other', { jti: 'grant-other', accountId: 'owner', clientId: 'other-app' }, 7200);
    await tokens('AccessToken').upsert('owner-at', { jti: 'owner-at', grantId: 'grant-new' }, 60);
    expect(await store.grantIdOf('owner', 'app')).toBe('grant-new');
    expect(await store.grantIdOf('someone-else', 'app')).toBeUndefined();
    await store.revokeGrantsOf('owner', 'app');
    expect(await store.grantIdOf('owner', 'app')).toBeUndefined();
    expect(await tokens('AccessToken').find('owner-at')).toBeUndefined();
    expect(await store.grantIdOf('owner', 'other-app')).toBe('grant-other');
  });

  it('leaves expired payloads to the platform cleanup job, which deletes them', async () => {
    await tokens('AccessToken').upsert('expired-1', { jti: 'expired-1' }, -1);
    await tokens('AccessToken').upsert('alive-1', { jti: 'alive-1' }, 3600);
    const target = cleanupTargets().find((t) => t.name === 'oidc_payloads');
    expect(target).toBeDefined();
    const result = await runCleanup(db.pool, { maxMs: 5_000, targets: [target!] });
    expect(result.deleted.oidc_payloads).toBeGreaterThanOrEqual(1);
    expect(await tokens('AccessToken').find('expired-1')).toBeUndefined();
    expect(await tokens('AccessToken').find('alive-1')).toBeDefined();
  });
});

describe('indexes', () => {
  // With sequential scans off, the planner uses an index whenever one serves the filter: each hot statement must.
  const cases: Array<[string, string, unknown[]]> = [
    ['find', 'SELECT payload, consumed_at FROM oidc_payloads WHERE model = $1 AND id = $2', ['AccessToken', 'x']],
    ['find under several models', 'SELECT model, payload, consumed_at FROM oidc_payloads WHERE id = $1 AND model = ANY($2::text[])', ['x', ['AccessToken', 'RefreshToken']]],
    ['findByUid', 'SELECT payload FROM oidc_payloads WHERE model = $1 AND uid = $2 LIMIT 1', ['Session', 'x']],
    ['findByUserCode', 'SELECT payload FROM oidc_payloads WHERE model = $1 AND user_code = $2 LIMIT 1', ['DeviceCode', 'x']],
    ['revokeByGrantId', 'DELETE FROM oidc_payloads WHERE grant_id = $1', ['x']],
    ['grant of a user and client', "SELECT id FROM oidc_payloads WHERE model = 'Grant' AND account_id = $1 AND client_id = $2 AND expires_at > now()", ['u', 'c']],
    ['cleanup', 'SELECT ctid FROM oidc_payloads WHERE expires_at < now() LIMIT 10', []],
  ];
  for (const [name, sql, values] of cases) {
    it(`serves ${name} from an index`, async () => {
      const client = await db.pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SET LOCAL enable_seqscan = off');
        const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, values);
        const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
        expect(plan).toMatch(/Index (Only )?Scan|Bitmap Index Scan/);
        expect(plan).not.toMatch(/Seq Scan/);
        await client.query('ROLLBACK');
      } finally {
        client.release();
      }
    });
  }
});
