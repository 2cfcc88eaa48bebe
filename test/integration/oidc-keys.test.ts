// Signing keys: made on first start (once, however many instances start at once), sealed at rest, the same
// after a restart, rotated with overlap by one instance at a time, and dropped once nothing they signed lives.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { waitFor } from '../helpers/serve.ts';
import { SecretBox } from '../../server/src/secrets/secret-box.ts';
import { LockManager } from '../../server/src/platform/locks.ts';
import { DirectConnections } from '../../server/src/postgres/budget.ts';
import { DEFAULT_KEY_POLICY, SigningKeyStore } from '../../server/src/providers/oidc/keys.ts';
import type { OidcService } from '../../server/src/providers/oidc/index.ts';

const DAY = 24 * 3_600_000;

// While `master.key` is set, every SecretBox made in this file uses it instead of the one it is given:
// an instance started with another master key than the rest of its deployment.
const master = vi.hoisted(() => ({ key: null as Buffer | null }));
vi.mock('../../server/src/secrets/secret-box.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../server/src/secrets/secret-box.ts')>();
  class SharedKeySecretBox extends original.SecretBox {
    constructor(key: Buffer) {
      super(master.key ?? key);
    }
  }
  return { ...original, SecretBox: SharedKeySecretBox };
});

async function jwksOf(app: TestApp): Promise<Array<{ kid: string; alg: string; key_ops?: string[] }>> {
  const response = await app.app.inject({ method: 'GET', url: '/oidc/jwks' });
  expect(response.statusCode).toBe(200);
  return (response.json() as { keys: Array<{ kid: string; alg: string; key_ops?: string[] }> }).keys;
}

async function keyRows(db: TestDatabase) {
  const { rows } = await db.pool.query<{ kid: string; alg: string; public_jwk: Record<string, unknown>; private_jwk_sealed: string; retires_at: Date | null }>(
    'SELECT kid, alg, public_jwk, private_jwk_sealed, retires_at FROM oidc_signing_keys ORDER BY alg, activates_at',
  );
  return rows;
}

describe('with app instances', () => {
  let db: TestDatabase;
  const apps: TestApp[] = [];

  async function instance(): Promise<TestApp> {
    const app = await createTestApp({ db });
    apps.push(app);
    return app;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('two instances starting at once on an empty database make one RS256 and one ES256 key between them', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    const rows = await keyRows(db);
    expect(rows.map((row) => row.alg)).toEqual(['ES256', 'RS256']);
    const kids = rows.map((row) => row.kid).sort();
    expect((await jwksOf(a!)).map((key) => key.kid).sort()).toEqual(kids);
    expect((await jwksOf(b!)).map((key) => key.kid).sort()).toEqual(kids);
  });

  it('keeps private keys sealed at rest, and publishes only public parts', async () => {
    await instance();
    for (const row of await keyRows(db)) {
      expect(row.private_jwk_sealed).toMatch(/^v1\./);
      expect(row.private_jwk_sealed).not.toContain('"d"');
      for (const part of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(row.public_jwk).not.toHaveProperty(part);
    }
  });

  it('uses the same key ids after a restart', async () => {
    const before = (await keyRows(db)).map((row) => row.kid).sort();
    const restarted = await instance();
    expect((await jwksOf(restarted)).map((key) => key.kid).sort()).toEqual(before);
    expect((await keyRows(db)).map((row) => row.kid).sort()).toEqual(before);
  });

  it('two instances asked to rotate at once publish exactly one successor per algorithm, and both serve it', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    const before = new Set((await keyRows(db)).map((row) => row.kid));
    const results = await Promise.all([a!.service<OidcService>('oidc').rotateSigningKeys(), b!.service<OidcService>('oidc').rotateSigningKeys()]);
    expect(results.flatMap((result) => result.created)).toHaveLength(2);
    const rows = await keyRows(db);
    expect(rows).toHaveLength(4);
    const successors = rows.filter((row) => !before.has(row.kid));
    expect(successors.map((row) => row.alg).sort()).toEqual(['ES256', 'RS256']);
    // The predecessors know when they stop signing.
    expect(rows.filter((row) => before.has(row.kid)).every((row) => row.retires_at !== null)).toBe(true);
    for (const app of [a!, b!]) {
      await waitFor(async () => (await jwksOf(app)).length === 4, 5_000, 'the successor keys in the JWKS');
      const published = await jwksOf(app);
      // Published, but not signing yet: verify-only until the publication period is over.
      for (const successor of successors) expect(published.find((key) => key.kid === successor.kid)?.key_ops).toEqual(['verify']);
      expect(app.service<OidcService>('oidc').signingKeys().filter((key) => key.state === 'next')).toHaveLength(2);
    }
  });

  it('refuses to start with another master key than the one that sealed the keys, and says so', async () => {
    master.key = randomBytes(32);
    const other = await createTestApp({ db }).then(
      (app) => {
        apps.push(app);
        return app;
      },
      (error: Error) => error,
    );
    master.key = null;
    expect(other).toBeInstanceOf(Error);
    expect((other as Error).message).toMatch(/master key/);
  });
});

describe('the rotation policy, on a clock of its own', () => {
  let db: TestDatabase;
  let direct: DirectConnections;
  let locks: LockManager;
  let now = Date.parse('2026-01-01T00:00:00Z');
  let keys: SigningKeyStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    direct = new DirectConnections(db.config as never, 'keys-test');
    locks = new LockManager(() => direct.connect('locks'), pino({ level: 'silent' }));
    keys = new SigningKeyStore({ pool: db.pool, secrets: new SecretBox(randomBytes(32)), locks, now: () => now });
  });

  afterAll(async () => {
    await locks?.close();
    await db?.drop();
  });

  const stateOf = async () => Object.fromEntries((await keys.providerKeySet()).states.map((s) => [s.kid, s.state]));

  it('signs with one key per algorithm from the first run', async () => {
    expect((await keys.maintain()).created).toHaveLength(2);
    expect(Object.values(await stateOf())).toEqual(['signing', 'signing']);
    expect((await keys.maintain()).created).toEqual([]);
  });

  it('publishes successors ahead of the rotation date, which sign only from that date', async () => {
    const first = await stateOf();
    now += DEFAULT_KEY_POLICY.rotateAfterMs - DEFAULT_KEY_POLICY.publishAheadMs - DAY;
    expect((await keys.maintain()).created).toEqual([]);
    now += DAY;
    const { created } = await keys.maintain();
    expect(created).toHaveLength(2);
    const set = await keys.providerKeySet();
    expect(Object.fromEntries(set.states.map((s) => [s.kid, s.state]))).toEqual({ ...first, [created[0]!]: 'next', [created[1]!]: 'next' });
    // Only the signing keys lack key_ops; oidc-provider never signs with a verify-only key.
    expect(set.jwks.keys.filter((key) => key.key_ops === undefined).map((key) => key.kid).sort()).toEqual(Object.keys(first).sort());
    expect(set.nextChangeAt?.getTime()).toBe(now + DEFAULT_KEY_POLICY.publishAheadMs);
  });

  it('switches signing at the successor\'s date and keeps the predecessor published, then deletes it after the retention', async () => {
    const before = await stateOf();
    const old = Object.keys(before).filter((kid) => before[kid] === 'signing');
    now += DEFAULT_KEY_POLICY.publishAheadMs + 1;
    const after = await stateOf();
    for (const kid of old) expect(after[kid]).toBe('retired');
    expect(Object.values(after).filter((state) => state === 'signing')).toHaveLength(2);
    now += DEFAULT_KEY_POLICY.keepAfterRetireMs - 1_000;
    expect((await keys.maintain()).deleted).toEqual([]);
    now += 2_000;
    expect((await keys.maintain()).deleted.sort()).toEqual(old.sort());
    expect(Object.values(await stateOf())).toEqual(['signing', 'signing']);
  });
});
