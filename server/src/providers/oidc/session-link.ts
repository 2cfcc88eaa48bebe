// The provider's own session (its cookie remembers who signed in, for single sign-on) follows the Gatehouse
// login session, which is the one users and admins see and revoke:
// - single sign-on from the provider session needs a live Gatehouse session of the same user; otherwise the
//   login prompt is shown again (reason "gatehouse_session"): a signed-out, revoked, expired or disabled user
//   gets no new codes through a leftover provider cookie;
// - RP-initiated logout that ends the provider session also revokes the Gatehouse session of that user, and
//   clears its cookie.
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { KoaContextWithOIDC, Middleware, interactionPolicy } from 'oidc-provider';
import type { IdentityService } from '../../identity/index.ts';
import { fastifyRequestOf } from './mount.ts';

export const GATEHOUSE_SESSION_REASON = 'gatehouse_session';

type SessionIdentity = Pick<IdentityService, 'sessionCookie' | 'revokeSession'>;

/** The browser's Gatehouse session, looked up once per request (SessionCookie.currentSession). */
export async function currentSessionOf(identity: Pick<IdentityService, 'sessionCookie'>, ctx: KoaContextWithOIDC) {
  const request: FastifyRequest | undefined = fastifyRequestOf(ctx.req);
  return request ? identity.sessionCookie.currentSession(request) : null;
}

/** A check for the login prompt: the provider session's user must still hold a live Gatehouse session. */
export function gatehouseSessionCheck(Check: typeof interactionPolicy.Check, identity: SessionIdentity): interactionPolicy.Check {
  // login_required is what prompt=none answers (OIDC Core 3.1.2.6), as for the login prompt's own checks.
  return new Check(GATEHOUSE_SESSION_REASON, 'the Gatehouse sign-in session has ended', 'login_required', async (ctx) => {
    const { accountId } = ctx.oidc.session;
    // No provider session: the no_session check asks already.
    if (!accountId) return Check.NO_NEED_TO_PROMPT;
    // The account is gone or disabled (findAccount found nothing).
    if (!ctx.oidc.account) return Check.REQUEST_PROMPT;
    const current = await currentSessionOf(identity, ctx);
    return current?.user.id === accountId ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
  });
}

/**
 * Runs around every provider request; after a successful logout confirmation ("yes, sign me out") it revokes the
 * Gatehouse session of the user the provider signed out. A Gatehouse session of someone else is left alone:
 * oidc-provider also passes here when a browser switches accounts mid-sign-in, after the new user signed in.
 */
export function endGatehouseSessionOnLogout(identity: SessionIdentity, logger: Logger): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.oidc?.route !== 'end_session_confirm' || ctx.status !== 303 || !ctx.oidc.params.logout) return;
    const accountId = ctx.oidc.session?.accountId;
    if (!accountId) return;
    try {
      const current = await currentSessionOf(identity, ctx);
      if (current?.user.id !== accountId) return;
      await identity.revokeSession(current.session.id);
      // The response is not sent yet: the header joins the provider's own Set-Cookie headers.
      ctx.append('Set-Cookie', `${identity.sessionCookie.name}=; Max-Age=0; ${identity.sessionCookie.attributes}`);
    } catch (error) {
      logger.error({ err: error, accountId }, 'signing out of the provider could not end the Gatehouse session');
    }
  };
}
