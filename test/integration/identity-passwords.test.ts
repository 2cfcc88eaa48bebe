// Passwords: argon2id hashes, the policy, verification that tells nothing, and rehashing on login.
import { parseOptions } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { createIdentityService, type IdentityService } from '../../server/src/identity/service.ts';
import { ARGON2ID_PARAMETERS, checkPasswordPolicy, createArgon2idHasher, type PasswordHasher } from '../../server/src/identity/passwords.ts';
import { IdentityError } from '../../server/src/identity/errors.ts';

/** The real hasher, counting its verifications. */
function countingHasher(): PasswordHasher & { verifications: number } {
  const real = createArgon2idHasher();
  const counting = {
    verifications: 0,
    hash: real.hash,
    needsRehash: real.needsRehash,
    verify(phc: string, password: string) {
      counting.verifications++;
      return real.verify(phc, password);
    },
  };
  return counting;
}

let db: TestDatabase;
let hasher: ReturnType<typeof countingHasher>;
let identity: IdentityService;
beforeAll(async () => {
  db = await createTestDatabase();
  hasher = countingHasher();
  identity = createIdentityService({ pool: db.pool, publicUrl: 'http://127.0.0.1:9080', hasher });
});
afterAll(async () => db?.drop());

async function storedHash(userId: string): Promise<string | null> {
  const { rows } = await db.pool.query<{ password_hash: string | null }>('SELECT password_hash FROM users WHERE id = $1', [userId]);
  return rows[0]!.password_hash;
}

function codeOf(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as IdentityError).code;
  }
}

describe('the password policy', () => {
  it('wants 8 to 1024 characters and says which limit a password missed', () => {
    expect(codeOf(() => checkPasswordPolicy('1234567'))).toBe('password_too_short');
    expect(codeOf(() => checkPasswordPolicy(''))).toBe('password_too_short');
    expect(codeOf(() => checkPasswordPolicy('12345678'))).toBeUndefined();
    expect(codeOf(() => checkPasswordPolicy('x'.repeat(1024)))).toBeUndefined();
    expect(codeOf(() => checkPasswordPolicy('x'.repeat(1025)))).toBe('password_too_long');
  });

  it('counts characters, not bytes or UTF-16 units', () => {
    // Eight emoji: 16 UTF-16 units, 32 bytes, 8 characters.
    expect(codeOf(() => checkPasswordPolicy('🔑'.repeat(8)))).toBeUndefined();
    expect(codeOf(() => checkPasswordPolicy('🔑'.repeat(7)))).toBe('password_too_short');
    expect(codeOf(() => checkPasswordPolicy('🔑'.repeat(1025)))).toBe('password_too_long');
  });

  it('is applied when a user is created and when a password is set', async () => {
    await expect(identity.createUser({ username: 'shorty', password: 'short' })).rejects.toMatchObject({ code: 'password_too_short' });
    expect(await identity.findUserByUsername('shorty')).toBeNull();
    const user = await identity.createUser({ username: 'longy' });
    await expect(identity.setPassword(user.id, 'x'.repeat(1025))).rejects.toMatchObject({ code: 'password_too_long' });
  });
});

describe('verifyPassword', () => {
  it('stores an argon2id hash at OWASP parameters or above, never the password', async () => {
    const user = await identity.createUser({ username: 'alice', email: 'alice@example.org', password: 'correct horse battery' });
    const phc = (await storedHash(user.id))!;
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(phc).not.toContain('correct horse battery');
    const { rows } = await db.pool.query<{ password_changed_at: Date | null }>('SELECT password_changed_at FROM users WHERE id = $1', [user.id]);
    expect(rows[0]!.password_changed_at).toBeInstanceOf(Date);
  });

  it('returns the user for the right password, by username or email, regardless of their case', async () => {
    expect((await identity.verifyPassword('alice', 'correct horse battery'))?.username).toBe('alice');
    expect((await identity.verifyPassword('ALICE@example.org', 'correct horse battery'))?.username).toBe('alice');
  });

  it('accepts the same password typed in another Unicode normalization form', async () => {
    // "café" with a precomposed é, then with e + combining acute accent.
    await identity.createUser({ username: 'zoe', password: 'caf\u00e9 au lait' });
    expect((await identity.verifyPassword('zoe', 'cafe\u0301 au lait'))?.username).toBe('zoe');
  });

  it('gives the same null, after exactly one argon2id verification, for an unknown user, a wrong password, a disabled user and a user without a password', async () => {
    const disabled = await identity.createUser({ username: 'dora', password: 'correct horse battery' });
    await identity.setActive(disabled.id, false);
    await identity.createUser({ username: 'nopass' });
    const attempts: Array<[string, string]> = [
      ['nobody', 'correct horse battery'],
      ['alice', 'wrong horse battery'],
      ['dora', 'correct horse battery'],
      ['nopass', 'correct horse battery'],
      ['alice', 'x'.repeat(100_000)],
    ];
    for (const [login, password] of attempts) {
      const before = hasher.verifications;
      expect(await identity.verifyPassword(login, password)).toBeNull();
      expect(hasher.verifications - before, `${login} / ${password.slice(0, 20)}`).toBe(1);
    }
  });

  it('rehashes a password stored with weaker parameters at the next successful login', async () => {
    const user = await identity.createUser({ username: 'olga' });
    const weak = await createArgon2idHasher({ memoryCost: 4096, timeCost: 1, parallelism: 1 }).hash('an old password');
    await db.pool.query('UPDATE users SET password_hash = $2 WHERE id = $1', [user.id, weak]);

    expect(await identity.verifyPassword('olga', 'a wrong password')).toBeNull();
    expect(await storedHash(user.id)).toBe(weak);
    expect((await identity.verifyPassword('olga', 'an old password'))?.id).toBe(user.id);

    const rehashed = (await storedHash(user.id))!;
    expect(rehashed).not.toBe(weak);
    expect(parseOptions(rehashed)).toMatchObject(ARGON2ID_PARAMETERS);
    expect((await identity.verifyPassword('olga', 'an old password'))?.id).toBe(user.id);
  });

  it('leaves a hash at the current parameters alone', async () => {
    const user = (await identity.findUserByUsername('alice'))!;
    const before = await storedHash(user.id);
    expect(await identity.verifyPassword('alice', 'correct horse battery')).not.toBeNull();
    expect(await storedHash(user.id)).toBe(before);
  });

  it('takes a new password from setPassword and refuses the old one', async () => {
    const user = (await identity.findUserByUsername('alice'))!;
    await identity.setPassword(user.id, 'a brand new secret');
    expect(await identity.verifyPassword('alice', 'correct horse battery')).toBeNull();
    expect((await identity.verifyPassword('alice', 'a brand new secret'))?.id).toBe(user.id);
    await expect(identity.setPassword('00000000-0000-4000-8000-000000000000', 'a brand new secret')).rejects.toMatchObject({ code: 'user_not_found' });
  });
});
