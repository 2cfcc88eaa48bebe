// Who may use the admin API: a signed-in admin, from the control UI's own origin. The later admin API (API tokens,
// issue 4) adds to this guard; every admin route uses it.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedSession, IdentityService } from '../identity/index.ts';
import { HttpError } from '../http/errors.ts';
import { comesFromOwnOrigin } from '../http/same-origin.ts';

declare module 'fastify' {
  interface FastifyRequest {
    adminSession?: AuthenticatedSession;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function adminGuard(identity: IdentityService, publicUrl: string): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const ownOrigin = new URL(publicUrl).origin;
  return async (request) => {
    // OWASP CSRF Prevention Cheat Sheet: a state-changing request must come from our own origin.
    if (!SAFE_METHODS.has(request.method) && !comesFromOwnOrigin(request, ownOrigin)) {
      throw new HttpError(403, 'cross_site_request', 'This request did not come from Gatehouse\'s own pages, so it was refused. Use the control UI, or send an Origin header naming this server.');
    }
    const current = await identity.sessionCookie.currentSession(request);
    if (!current) throw new HttpError(401, 'not_signed_in', 'Sign in as an admin first.');
    if (!current.user.isAdmin) throw new HttpError(403, 'not_admin', 'Only admins can do this. Ask an admin of this Gatehouse.');
    request.adminSession = current;
  };
}
