// Choosing a new password through a one-time link an admin made (Users → "Password-reset link"): the link says
// whose it is, the password must meet the policy, and using it ends the user's other sessions and signs them in.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IdentityService } from '../../identity/index.ts';
import type { RateLimiter } from '../../platform/rate-limit.ts';
import { HttpError } from '../../http/errors.ts';
import { recordEvent } from '../../admin/audit.ts';
import { assertSameOrigin } from '../request-guards.ts';
import { throttle } from '../throttle.ts';
import type { PasswordSignIn } from '../login/password-sign-in.ts';
import type { ResetBody, ResetDone, ResetView } from '../schemas.ts';

/**
 * Submissions per source address: the token is unguessable (256 bits); this bounds the password hashing one
 * client can cause, as the setup page's limit does.
 */
export const RESET_LIMIT = { limit: 20, windowSeconds: 900 } as const;

export function resetAddressKey(address: string): string {
  return `reset:ip:${address}`;
}

export class ResetLinkInvalid extends HttpError {
  constructor() {
    super(410, 'reset_link_invalid', 'This password-reset link does not work any more: it was used, replaced by a newer one, or has expired. Ask an admin for a new link.');
  }
}

export interface PasswordResetDeps {
  identity: IdentityService;
  signIn: PasswordSignIn;
  rateLimiter: RateLimiter;
  origin: string;
}

export class PasswordResetFlow {
  constructor(private readonly deps: PasswordResetDeps) {}

  async view(token: string | undefined): Promise<ResetView> {
    const user = token === undefined ? null : await this.deps.identity.userOfPasswordResetLink(token);
    if (!user) return { state: 'invalid_link' };
    return { state: 'open', username: user.username, passwordMinLength: (await this.deps.identity.passwordPolicy()).minLength };
  }

  async complete(request: FastifyRequest, reply: FastifyReply, body: ResetBody): Promise<ResetDone> {
    assertSameOrigin(request, this.deps.origin);
    await throttle(this.deps.rateLimiter, reply, resetAddressKey(request.ip), RESET_LIMIT);
    // The password, the used-up link, the ended sessions and the event: one commit.
    const { user } = await this.deps.identity.transaction(async (tx) => {
      const reset = await tx.resetPasswordWithLink(body.token, body.password);
      if (!reset) throw new ResetLinkInvalid();
      await recordEvent(tx.db, {
        type: 'user.password_reset',
        by: { actor: reset.user.username, actorUserId: reset.user.id, sourceAddress: request.ip, requestId: String(request.id) },
        target: { type: 'user', id: reset.user.id, label: reset.user.username },
        data: { sessionsRevoked: reset.sessionsRevoked },
      });
      return reset;
    });
    await this.deps.signIn.startSession(request, reply, user, { authMethods: ['pwd'], authTime: new Date(), method: 'password_reset' });
    return { redirectTo: '/' };
  }
}
