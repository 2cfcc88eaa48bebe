// Signing keys: generated on first run, kept in PostgreSQL with the private part sealed by the master key,
// rotated with overlap, under an advisory lock so that two instances never both rotate.
//
// A key's life, per algorithm (RS256 and ES256):
//   created_at      published in the JWKS, but not used to sign yet (relying parties fetch it in advance);
//   activates_at    signs from here (publishAheadMs after creation), until its successor activates (retires_at);
//   retires_at + keepAfterRetireMs   deleted: every token it signed (ID tokens live an hour) has expired.
// Which key signs is a function of the rows and the clock, so every instance switches at the same instant
// without talking to the others; an instance reloads at each such instant, on a bus message, and hourly.
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import type pg from 'pg';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { SecretBox } from '../../secrets/secret-box.ts';
import { inTransaction } from '../../db/transaction.ts';

const generateKeyPairAsync = promisify(generateKeyPair);

export type SigningAlg = 'RS256' | 'ES256';
/** RS256 first: it is the default ID token algorithm (OIDC Core 15.1), ES256 for clients that ask for it. */
export const SIGNING_ALGS: readonly SigningAlg[] = ['RS256', 'ES256'];

export interface KeyPolicy {
  /** A key signs for this long before its successor takes over. */
  rotateAfterMs: number;
  /** A new key is published this long before it signs. */
  publishAheadMs: number;
  /** A retired key stays published this long: longer than any token it signed lives (ID tokens: 1 h). */
  keepAfterRetireMs: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const DEFAULT_KEY_POLICY: KeyPolicy = { rotateAfterMs: 90 * DAY, publishAheadMs: 2 * DAY, keepAfterRetireMs: 2 * DAY };

export interface StoredKey {
  kid: string;
  alg: SigningAlg;
  publicJwk: JWK;
  privateJwkSealed: string;
  createdAt: Date;
  activatesAt: Date;
  retiresAt: Date | null;
}

export type KeyState = 'next' | 'signing' | 'retired';

/** The JWKS oidc-provider is built with: private keys, the ones that must not sign marked verify-only. */
export interface ProviderKeySet {
  jwks: { keys: JWK[] };
  /** Changes whenever the published set or the signing keys change. */
  fingerprint: string;
  /** The next instant at which the set changes on its own (a key starts signing, or is due for deletion). */
  nextChangeAt: Date | null;
  states: Array<{ kid: string; alg: SigningAlg; state: KeyState }>;
}

export interface RotationResult {
  created: string[];
  deleted: string[];
}

const LOCK_NAME = 'oidc:signing-keys';

/** Taking the lock waits this long at start-up (another instance may be generating the first keys). */
export const KEY_LOCK_TIMEOUT_MS = 30_000;

interface KeyRow {
  kid: string;
  alg: SigningAlg;
  public_jwk: JWK;
  private_jwk_sealed: string;
  created_at: Date;
  activates_at: Date;
  retires_at: Date | null;
}

export interface KeyStoreDeps {
  pool: pg.Pool;
  secrets: SecretBox;
  locks: { acquire(name: string, options: { timeoutMs: number }): Promise<{ release(): Promise<boolean> }> };
  policy?: KeyPolicy;
  now?: () => number;
}

export class SigningKeyStore {
  readonly policy: KeyPolicy;
  private readonly now: () => number;

  constructor(private readonly deps: KeyStoreDeps) {
    this.policy = deps.policy ?? DEFAULT_KEY_POLICY;
    this.now = deps.now ?? Date.now;
  }

  async list(): Promise<StoredKey[]> {
    const { rows } = await this.deps.pool.query<KeyRow>('SELECT * FROM oidc_signing_keys ORDER BY alg, activates_at');
    return rows.map((row) => ({
      kid: row.kid,
      alg: row.alg,
      publicJwk: row.public_jwk,
      privateJwkSealed: row.private_jwk_sealed,
      createdAt: row.created_at,
      activatesAt: row.activates_at,
      retiresAt: row.retires_at,
    }));
  }

  /**
   * Brings the keys in line with the policy, under the advisory lock: a first key per algorithm, a successor
   * published ahead of the rotation date (or now, with `force`), and deletion of keys past their retention.
   * The state is re-read inside the lock, so an instance that waited for another one finds its work done.
   */
  async maintain(options: { force?: boolean } = {}): Promise<RotationResult> {
    const lock = await this.deps.locks.acquire(LOCK_NAME, { timeoutMs: KEY_LOCK_TIMEOUT_MS });
    try {
      const result: RotationResult = { created: [], deleted: [] };
      const now = this.now();
      const keys = await this.list();
      for (const alg of SIGNING_ALGS) {
        const own = keys.filter((key) => key.alg === alg);
        const signing = signingKeyAt(own, now);
        const successor = own.find((key) => key.activatesAt.getTime() > now);
        if (!signing && !successor) {
          // First run: a key that signs at once (nothing was published before it, so nobody can have cached a JWKS without it).
          result.created.push(await this.create(alg, now, now));
        } else if (signing && !successor) {
          const due = signing.activatesAt.getTime() + this.policy.rotateAfterMs;
          if (options.force || due - this.policy.publishAheadMs <= now) {
            const activatesAt = Math.max(now + this.policy.publishAheadMs, options.force ? 0 : due);
            result.created.push(await this.create(alg, now, activatesAt, signing.kid));
          }
        }
      }
      // Deleted once retired for longer than anything they signed can live.
      const { rows } = await this.deps.pool.query<{ kid: string }>(
        'DELETE FROM oidc_signing_keys WHERE retires_at IS NOT NULL AND retires_at < $1 RETURNING kid',
        [new Date(now - this.policy.keepAfterRetireMs)],
      );
      result.deleted = rows.map((row) => row.kid);
      return result;
    } finally {
      await lock.release();
    }
  }

  /** The key set as oidc-provider needs it at this instant: every published key, only the current ones signing. */
  async providerKeySet(): Promise<ProviderKeySet> {
    const keys = await this.list();
    const now = this.now();
    const states: ProviderKeySet['states'] = [];
    const signing: JWK[] = [];
    const verifyOnly: JWK[] = [];
    const changes: number[] = [];
    for (const alg of SIGNING_ALGS) {
      const own = keys.filter((key) => key.alg === alg);
      const current = signingKeyAt(own, now);
      for (const key of own) {
        const privateJwk = JSON.parse(this.deps.secrets.openText(key.privateJwkSealed, sealContext(key.kid))) as JWK;
        const jwk: JWK = { ...privateJwk, kid: key.kid, alg, use: 'sig' };
        if (key === current) {
          signing.push(jwk);
          states.push({ kid: key.kid, alg, state: 'signing' });
        } else {
          // Published so tokens can be verified, but never chosen to sign: oidc-provider picks signing keys
          // among those whose key_ops (RFC 7517 §4.3) allow "sign".
          verifyOnly.push({ ...jwk, key_ops: ['verify'] });
          states.push({ kid: key.kid, alg, state: key.activatesAt.getTime() > now ? 'next' : 'retired' });
        }
        if (key.activatesAt.getTime() > now) changes.push(key.activatesAt.getTime());
        if (key.retiresAt) changes.push(key.retiresAt.getTime() + this.policy.keepAfterRetireMs);
      }
    }
    const future = changes.filter((at) => at > now);
    return {
      jwks: { keys: [...signing, ...verifyOnly] },
      fingerprint: states.map((s) => `${s.kid}:${s.state}`).join(','),
      nextChangeAt: future.length > 0 ? new Date(Math.min(...future)) : null,
      states,
    };
  }

  private async create(alg: SigningAlg, now: number, activatesAt: number, predecessor?: string): Promise<string> {
    const { privateJwk, publicJwk } = await generateJwk(alg);
    const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
    await inTransaction(this.deps.pool, async (client) => {
      await client.query(
        `INSERT INTO oidc_signing_keys (kid, alg, public_jwk, private_jwk_sealed, created_at, activates_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [kid, alg, JSON.stringify({ ...publicJwk, kid, alg, use: 'sig' }), this.deps.secrets.seal(JSON.stringify(privateJwk), sealContext(kid)), new Date(now), new Date(activatesAt)],
      );
      if (predecessor) await client.query('UPDATE oidc_signing_keys SET retires_at = $2 WHERE kid = $1', [predecessor, new Date(activatesAt)]);
    });
    return kid;
  }
}

/** The key of one algorithm that signs at `now`: the one that activated last. */
export function signingKeyAt(keys: readonly StoredKey[], now: number): StoredKey | undefined {
  let current: StoredKey | undefined;
  for (const key of keys) {
    if (key.activatesAt.getTime() <= now && (!current || key.activatesAt > current.activatesAt)) current = key;
  }
  return current;
}

function sealContext(kid: string): string {
  return `oidc-signing-key:${kid}`;
}

async function generateJwk(alg: SigningAlg): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const pair =
    alg === 'RS256'
      ? await generateKeyPairAsync('rsa', { modulusLength: 2048 })
      : await generateKeyPairAsync('ec', { namedCurve: 'P-256' });
  return { privateJwk: pair.privateKey.export({ format: 'jwk' }) as JWK, publicJwk: pair.publicKey.export({ format: 'jwk' }) as JWK };
}
