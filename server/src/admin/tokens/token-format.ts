// API tokens: "gh_" and 32 random bytes in base64url. The prefix lets secret scanners and people recognise one;
// only its SHA-256 is stored (a 256-bit random value cannot be guessed, so a slow hash would add nothing).
import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'gh_';
const TOKEN_FORMAT = /^gh_[A-Za-z0-9_-]{43}$/;

export function newApiToken(): { token: string; tokenSha256: Buffer } {
  const token = PREFIX + randomBytes(32).toString('base64url');
  return { token, tokenSha256: hashApiToken(token) };
}

export function hashApiToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Anything else cannot be a token we issued, and is refused without a query. */
export function isWellFormedApiToken(token: string): boolean {
  return TOKEN_FORMAT.test(token);
}
