// The signed-in user's own account: who they are, their sessions, their password. Everything acts on the user of
// the request's session only; another user's session id is treated as one that does not exist.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../../http/errors.ts';
import type { AuthenticatedSession, IdentityService, SessionRecord } from '../../identity/index.ts';
import type { RateLimiter } from '../../platform/rate-limit.ts';
import { throttlePasswordAttempt } from '../../flows/throttle.ts';
import { recordEvent, type EventActor } from '../../admin/audit.ts';
import type { MeView, MySession, MySessions, PasswordChanged } from '../schemas.ts';

export class AccountService {
  constructor(private readonly deps: { identity: IdentityService; rateLimiter: RateLimiter }) {}

  me({ user, groups }: AuthenticatedSession): MeView {
    return {
      user: { id: user.id, username: user.username, email: user.email, displayName: user.displayName, isAdmin: user.isAdmin },
      groups: [...groups],
    };
  }

  async sessions(current: AuthenticatedSession): Promise<MySessions> {
    const sessions = await this.deps.identity.listSessionsOfUser(current.user.id);
    return { items: sessions.map((session) => mySession(session, current)) };
  }

  /** Ends one of the user's own sessions (this one too, which signs this browser out). Throws session_not_found. */
  async revokeSession(current: AuthenticatedSession, sessionId: string, by: EventActor): Promise<void> {
    const { user } = current;
    await this.deps.identity.transaction(async (tx) => {
      // Only a session of this user is ended; any other id gets the answer of an id that does not exist.
      const own = (await tx.listSessionsOfUser(user.id)).some((session) => session.id === sessionId);
      if (!own || !(await tx.revokeSession(sessionId))) throw sessionNotFound();
      await recordEvent(tx.db, { type: 'session.revoked', by, target: { type: 'user', id: user.id, label: user.username }, data: { sessionId } });
    });
  }

  /**
   * Checks the current password (throttled as a sign-in is: the same per-account and per-address limits, so this
   * form cannot be used to guess), sets the new one (the password policy applies) and ends every other session.
   */
  async changePassword(
    request: FastifyRequest,
    reply: FastifyReply,
    current: AuthenticatedSession,
    body: { currentPassword: string; newPassword: string },
    by: EventActor,
  ): Promise<PasswordChanged> {
    const { user } = current;
    await throttlePasswordAttempt(this.deps.rateLimiter, reply, { address: request.ip, login: user.username });
    const check = await this.deps.identity.checkPassword(user.username, body.currentPassword);
    if (!check.ok || check.user.id !== user.id) {
      throw new HttpError(400, 'wrong_password', 'Your current password is not right. Type it again (after several tries you will have to wait).', {}, 'currentPassword');
    }
    return this.deps.identity.transaction(async (tx) => {
      try {
        await tx.setPassword(user.id, body.newPassword);
      } catch (error) {
        // The policy's errors name "password": in this form that is the new one.
        if (error instanceof HttpError && error.field === 'password') throw new HttpError(error.statusCode, error.code, error.message, error.headers, 'newPassword');
        throw error;
      }
      const otherSessionsRevoked = await tx.revokeSessionsOfUser(user.id, { except: current.session.id });
      await recordEvent(tx.db, { type: 'user.password_changed', by, target: { type: 'user', id: user.id, label: user.username }, data: { sessionsRevoked: otherSessionsRevoked } });
      return { otherSessionsRevoked };
    });
  }
}

function sessionNotFound(): HttpError {
  return new HttpError(404, 'session_not_found', 'You have no such session: it has ended already (expired, signed out, or revoked). Reload the list.');
}

function mySession(session: SessionRecord, current: AuthenticatedSession): MySession {
  return {
    id: session.id,
    userId: session.userId,
    username: current.user.username,
    displayName: current.user.displayName,
    createdAt: session.createdAt.toISOString(),
    lastSeenAt: session.lastSeenAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    idleExpiresAt: session.idleExpiresAt.toISOString(),
    authMethods: session.authMethods,
    lastIp: session.lastIp,
    userAgent: session.userAgent,
    current: session.id === current.session.id,
  };
}
