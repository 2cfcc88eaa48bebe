// The password step every sign-in shares (an OIDC interaction's, and the direct sign-in to Gatehouse itself):
// throttled per address and account, one password check whatever the account, one answer for every failure, and
// its outcome in the event log. Then a new session in the browser's cookie.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { AuthenticatedSession, IdentityService, PasswordCheck, UserRecord } from '../../identity/index.ts';
import type { RateLimiter } from '../../platform/rate-limit.ts';
import { recordEvent, type EventActor } from '../../admin/audit.ts';
import { FlowError, TooManyAttempts } from '../errors.ts';
import { accountKey, LOGIN_LIMITS, throttlePasswordAttempt } from '../throttle.ts';

type Queryable = Parameters<typeof recordEvent>[0];

/** Where a sign-in happens, for the log and the events: the app asking (an interaction), if any. */
export interface SignInContext {
  clientId?: string;
  interaction?: string;
}

/** What a failed attempt is recorded as (user.login_failed, data.reason). */
export type LoginFailure = Exclude<PasswordCheck, { ok: true }>['reason'] | 'throttled';

/**
 * A refused attempt is recorded at most once per address in a throttle window: a client hammering a closed limit
 * must not fill the event log (each refusal costs it one statement, not one row).
 */
const THROTTLED_NOTICE = { limit: 1, windowSeconds: LOGIN_LIMITS.perAddress.windowSeconds };

export interface PasswordSignInDeps {
  identity: IdentityService;
  rateLimiter: RateLimiter;
  /** Where the events go (the pool). */
  db: Queryable;
  logger: Logger;
}

export class PasswordSignIn {
  constructor(private readonly deps: PasswordSignInDeps) {}

  /**
   * The user the login name and password prove, or a throw: 429 too_many_attempts (with Retry-After) when throttled,
   * else 400 invalid_credentials, the same for an unknown user, a wrong password and a disabled user, after the same
   * work (one argon2id verification and one event each).
   */
  async verify(request: FastifyRequest, reply: FastifyReply, login: string, password: string, context: SignInContext = {}): Promise<UserRecord> {
    try {
      await throttlePasswordAttempt(this.deps.rateLimiter, reply, { address: request.ip, login });
    } catch (error) {
      if (error instanceof TooManyAttempts) await this.noteThrottled(request, login, context);
      throw error;
    }
    const check = await this.deps.identity.checkPassword(login, password);
    if (!check.ok) {
      this.deps.logger.info({ ...context, ip: request.ip }, 'sign-in refused: wrong username or password');
      await this.recordFailure(request, check.reason, check.user, login, context);
      throw new FlowError('invalid_credentials');
    }
    // The person proved they hold the account: their mistakes so far no longer count against it.
    await this.deps.rateLimiter.reset(accountKey(login));
    return check.user;
  }

  /** A new session for the user in this browser's cookie (this request sees it as its own), recorded as a sign-in. */
  async startSession(
    request: FastifyRequest,
    reply: FastifyReply,
    user: UserRecord,
    how: { authMethods: string[]; authTime: Date; method: 'password' | 'password_reset'; clientId?: string },
  ): Promise<AuthenticatedSession> {
    const { token, ...created } = await this.deps.identity.createSession(user.id, {
      ip: request.ip,
      userAgent: request.headers['user-agent'],
      authMethods: how.authMethods,
      authTime: how.authTime,
    });
    this.deps.identity.sessionCookie.setSessionCookie(reply, token, created);
    await recordEvent(this.deps.db, {
      type: 'user.login_succeeded',
      by: { ...requestActor(request), actor: user.username, actorUserId: user.id },
      target: { type: 'user', id: user.id, label: user.username },
      data: { method: how.method, ...(how.clientId ? { clientId: how.clientId } : {}), sessionId: created.session.id },
    });
    return created;
  }

  private async noteThrottled(request: FastifyRequest, login: string, context: SignInContext): Promise<void> {
    const notice = await this.deps.rateLimiter.hit(`login:throttle-noted:${request.ip}`, THROTTLED_NOTICE);
    if (!notice.allowed) return;
    this.deps.logger.warn({ ...context, ip: request.ip }, 'sign-in attempts throttled');
    await this.recordFailure(request, 'throttled', await this.deps.identity.findUserByLogin(login), login, context);
  }

  private async recordFailure(request: FastifyRequest, reason: LoginFailure, user: UserRecord | null, login: string, context: SignInContext): Promise<void> {
    await recordEvent(this.deps.db, {
      type: 'user.login_failed',
      by: { ...requestActor(request), actor: 'anonymous' },
      target: user ? { type: 'user', id: user.id, label: user.username } : null,
      // The login name only when it named a user: what people type into the wrong field (a password) stays out.
      data: { reason, ...(user ? { login } : {}), ...(context.clientId ? { clientId: context.clientId } : {}) },
    });
  }
}

function requestActor(request: FastifyRequest): Omit<EventActor, 'actor'> {
  return { sourceAddress: request.ip, requestId: String(request.id) };
}
