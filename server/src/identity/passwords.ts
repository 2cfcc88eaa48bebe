// Password hashing (argon2id, PHC strings) and the password policy.
import { randomBytes } from 'node:crypto';
import { hash, parseOptions, verify, type Algorithm, type Version } from '@node-rs/argon2';
import type { PasswordPolicy } from '../admin/settings/schemas.ts';
import { IdentityError } from './errors.ts';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './schemas.ts';

/** The policy until an admin changes it (Settings → Passwords). */
export const DEFAULT_PASSWORD_POLICY: Readonly<PasswordPolicy> = Object.freeze({ minLength: PASSWORD_MIN_LENGTH, disallowUsername: true });

export interface Argon2idParameters {
  /** KiB. */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** OWASP Password Storage Cheat Sheet, argon2id minimum: 19 MiB, 2 passes, 1 lane (about 9.5 ms a verify on this machine, bench/oidc/logins.ts). */
export const ARGON2ID_PARAMETERS: Readonly<Argon2idParameters> = Object.freeze({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });

// The package's enums are ambient const enums, which verbatimModuleSyntax cannot read: their values, from index.d.ts.
const ARGON2ID = 2 as Algorithm;
const VERSION_0x13 = 1 as Version;

export interface PasswordHasher {
  /** A PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash). */
  hash(password: string): Promise<string>;
  /** False for a wrong password and for a stored string that is not a valid hash. */
  verify(phc: string, password: string): Promise<boolean>;
  /** True when the stored hash was made with weaker parameters (or another algorithm) than the current ones. */
  needsRehash(phc: string): boolean;
}

// NIST SP 800-63B §5.1.1.2: normalize, so the same password typed on another keyboard or OS still matches.
function normalize(password: string): string {
  return password.normalize('NFKC');
}

export function createArgon2idHasher(parameters: Argon2idParameters = ARGON2ID_PARAMETERS): PasswordHasher {
  const options = { algorithm: ARGON2ID, version: VERSION_0x13, ...parameters };
  return {
    hash: (password) => hash(normalize(password), options),
    async verify(phc, password) {
      try {
        return await verify(phc, normalize(password));
      } catch {
        return false;
      }
    },
    needsRehash(phc) {
      try {
        const stored = parseOptions(phc);
        return (
          stored.algorithm !== ARGON2ID ||
          stored.version !== VERSION_0x13 ||
          stored.memoryCost < parameters.memoryCost ||
          stored.timeCost < parameters.timeCost ||
          stored.parallelism < parameters.parallelism
        );
      } catch {
        // Not a hash we can read: verify fails on it too, so there is nothing to rehash.
        return false;
      }
    },
  };
}

/** Whose password it is: with disallowUsername, it must not be their username or email address (which also sign in). */
export interface PasswordOwner {
  username: string;
  email?: string | null;
}

/**
 * Throws password_too_short / password_too_long / password_is_username; counts characters (code points), not bytes.
 * NIST SP 800-63B §5.1.1.2: a minimum length, no composition rules, and no context-specific words such as the username.
 */
export function checkPasswordPolicy(password: string, policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY, owner?: PasswordOwner): void {
  const normalized = normalize(password);
  const length = [...normalized].length;
  if (length < policy.minLength) throw new IdentityError('password_too_short', `A password needs at least ${policy.minLength} characters.`);
  if (length > PASSWORD_MAX_LENGTH) throw new IdentityError('password_too_long', `A password can have at most ${PASSWORD_MAX_LENGTH} characters.`);
  if (policy.disallowUsername && owner) {
    const lowered = normalized.toLowerCase();
    const names = [owner.username, owner.email].filter((name): name is string => typeof name === 'string' && name !== '');
    if (names.some((name) => normalize(name).toLowerCase() === lowered)) {
      throw new IdentityError('password_is_username', 'A password must not be the username or the email address: choose something else.');
    }
  }
}

/** A password nobody knows, for verifying against when there is no real hash (unknown user, no password). */
export function unguessablePassword(): string {
  return randomBytes(24).toString('base64url');
}
