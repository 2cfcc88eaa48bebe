// Session tokens and lifetimes. The cookie carries the token; the table keeps only its SHA-256,
// so a copy of the database (a backup, a leaked dump) cannot be replayed as a login.
import { createHash, randomBytes } from 'node:crypto';

/** A session ends this long after login, however active it is. (A later issue makes these settings.) */
export const SESSION_ABSOLUTE_LIFETIME_SECONDS = 7 * 24 * 60 * 60;
/** …or this long after it was last used. */
export const SESSION_IDLE_LIFETIME_SECONDS = 24 * 60 * 60;
/** Use pushes the idle expiry forward at most this often, so a busy session is not written on every request. */
export const SESSION_SLIDE_INTERVAL_SECONDS = 60;

const TOKEN_BYTES = 32;
/** 32 random bytes in base64url: 43 characters. */
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

export function newSessionToken(): { token: string; tokenHash: Buffer } {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  return { token, tokenHash: hashSessionToken(token) };
}

export function hashSessionToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Anything else cannot be a token we issued, and is refused without a query. */
export function isWellFormedSessionToken(token: string): boolean {
  return TOKEN_FORMAT.test(token);
}
