// POST /api/flow/session/sign-out — ends this browser's Gatehouse session (revoked on every instance at once).
import type { FastifyInstance } from 'fastify';
import type { IdentityService } from '../../identity/index.ts';
import { assertSameOrigin } from '../request-guards.ts';
import { EmptyBody, type SessionView } from '../schemas.ts';

export function signOutRoute(app: FastifyInstance, identity: IdentityService, deps: { origin: string }): void {
  app.post('/api/flow/session/sign-out', { schema: { body: EmptyBody } }, async (request, reply): Promise<SessionView> => {
    // A forged sign-out is a nuisance, not a breach; the origin check still refuses it.
    assertSameOrigin(request, deps.origin);
    const current = await identity.sessionCookie.currentSession(request);
    if (current) await identity.revokeSession(current.session.id);
    identity.sessionCookie.clearSessionCookie(reply);
    return { signedIn: false };
  });
}
