// Session tokens and lifetimes. The cookie carries the token; the table keeps only its SHA-256,
// so a copy of the database (a backup, a leaked dump) cannot be replayed as a login.
import { createHash, randomBytes } from 'node:crypto';
import type { SessionSettings } from '../admin/settings/schemas.ts';

/** A session ends this long after login, however active it is, until an admin changes it (Settings → Sessions). */
export const SESSION_ABSOLUTE_LIFETIME_SECONDS = 7 * 24 * 60 * 60;
/** …or this long after it was last used. */
export const SESSION_IDLE_LIFETIME_SECONDS = 24 * 60 * 60;

export const DEFAULT_SESSION_SETTINGS: Readonly<SessionSettings> = Object.freeze({
  absoluteLifetimeHours: SESSION_ABSOLUTE_LIFETIME_SECONDS / 3600,
  idleLifetimeMinutes: SESSION_IDLE_LIFETIME_SECONDS / 60,
});

/** The two lifetimes of a new session, in seconds; the idle one never longer than the absolute one. */
export function sessionLifetimes(settings: SessionSettings): { absoluteSeconds: number; idleSeconds: number } {
  const absoluteSeconds = settings.absoluteLifetimeHours * 3600;
  return { absoluteSeconds, idleSeconds: Math.min(settings.idleLifetimeMinutes * 60, absoluteSeconds) };
}
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
