// POST /api/flow/session/sign-out — ends this browser's Gatehouse session (revoked on every instance at once).
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { IdentityService } from '../../identity/index.ts';
import { recordEvent } from '../../admin/audit.ts';
import { assertSameOrigin } from '../request-guards.ts';
import { EmptyBody, type SessionView } from '../schemas.ts';

export function signOutRoute(app: FastifyInstance, identity: IdentityService, deps: { origin: string; pool: Pick<pg.Pool, 'query'> }): void {
  app.post('/api/flow/session/sign-out', { schema: { body: EmptyBody } }, async (request, reply): Promise<SessionView> => {
    // A forged sign-out is a nuisance, not a breach; the origin check still refuses it.
    assertSameOrigin(request, deps.origin);
    const current = await identity.sessionCookie.currentSession(request);
    // The cookie goes first: whatever fails after it, this browser is signed out.
    identity.sessionCookie.clearSessionCookie(reply);
    if (current && (await identity.revokeSession(current.session.id))) {
      // Recorded like any ended session: open pages of this browser hear of it at once (live updates).
      const { user } = current;
      await recordEvent(deps.pool, {
        type: 'session.revoked',
        by: { actor: user.username, actorUserId: user.id, sourceAddress: request.ip, requestId: String(request.id) },
        target: { type: 'user', id: user.id, label: user.username },
        data: { sessionId: current.session.id, reason: 'signed_out' },
      }).catch((error: unknown) => request.log.warn({ err: error }, 'the sign-out was not recorded in the event log'));
    }
    return { signedIn: false };
  });
}
