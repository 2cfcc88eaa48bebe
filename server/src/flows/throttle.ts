// Throttling of password attempts and setup submissions through the platform's shared rate limits.
// A refused attempt costs no password hash, and answers 429 with Retry-After (RFC 6585 §4, RFC 9110 §10.2.3).
import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { MAX_KEY_BYTES, type RateDecision, type RateLimiter, type RateRule } from '../platform/rate-limit.ts';
import { TooManyAttempts } from './errors.ts';

/**
 * Per account: 10 password attempts in 15 minutes, well under NIST SP 800-63B §5.2.2's ceiling of 100 failed
 * attempts, and enough for a person who mistypes. Counted for unknown accounts too, so it reveals nothing.
 * Per source address: 50 in 15 minutes, for a small office behind one NAT; it stops one machine from
 * trying one password against many accounts.
 */
export const LOGIN_LIMITS = {
  perAccount: { limit: 10, windowSeconds: 900 },
  perAddress: { limit: 50, windowSeconds: 900 },
} as const satisfies Record<string, RateRule>;

/** Setup submissions per source address: the token is unguessable; this only bounds the work one client can cause. */
export const SETUP_LIMIT: RateRule = { limit: 20, windowSeconds: 900 };

export function accountKey(login: string): string {
  return boundedKey('login:account:', login.trim().toLowerCase());
}

export function addressKey(address: string): string {
  return boundedKey('login:ip:', address);
}

export function setupAddressKey(address: string): string {
  return boundedKey('setup:ip:', address);
}

/** Counts one hit; when over the limit, sets Retry-After and throws a 429. */
export async function throttle(rateLimiter: RateLimiter, reply: FastifyReply, key: string, rule: RateRule): Promise<void> {
  refuseWhenOver(reply, [await rateLimiter.hit(key, rule)]);
}

/**
 * The address first: an address already refused does not also use up the account's attempts (which would let
 * one blocked machine lock a person out). Then the account, whatever address the attempt comes from.
 * Both in one statement: the limiter counts the account only when the address is allowed.
 */
export async function throttlePasswordAttempt(rateLimiter: RateLimiter, reply: FastifyReply, attempt: { address: string; login: string }): Promise<void> {
  const decisions = await rateLimiter.hitInOrder([
    { key: addressKey(attempt.address), rule: LOGIN_LIMITS.perAddress },
    { key: accountKey(attempt.login), rule: LOGIN_LIMITS.perAccount },
  ]);
  refuseWhenOver(reply, decisions);
}

/** When a decision refuses, sets Retry-After and throws a 429. */
function refuseWhenOver(reply: FastifyReply, decisions: RateDecision[]): void {
  const refused = decisions.find((decision) => !decision.allowed);
  if (!refused) return;
  void reply.header('retry-after', String(refused.retryAfterSeconds));
  throw new TooManyAttempts(refused.retryAfterSeconds);
}

/** Keys are at most MAX_KEY_BYTES: a longer value is replaced by its SHA-256. */
function boundedKey(prefix: string, value: string): string {
  const key = prefix + value;
  return Buffer.byteLength(key) <= MAX_KEY_BYTES ? key : prefix + 'sha256:' + createHash('sha256').update(value).digest('base64url');
}
