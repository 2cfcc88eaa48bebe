// GET /api/flow/session — who is signed in to Gatehouse in this browser, for the signed-in page.
import type { FastifyInstance } from 'fastify';
import type { IdentityService } from '../../identity/index.ts';
import { userView } from '../interaction/views.ts';
import type { SessionView } from '../schemas.ts';

export function currentSessionRoute(app: FastifyInstance, identity: IdentityService): void {
  app.get('/api/flow/session', async (request): Promise<SessionView> => {
    const current = await identity.sessionCookie.currentSession(request);
    if (!current) return { signedIn: false };
    return {
      signedIn: true,
      user: { ...userView(current.user), isAdmin: current.user.isAdmin, groups: current.groups },
      session: { createdAt: current.session.createdAt.toISOString(), authMethods: current.session.authMethods },
    };
  });
}
