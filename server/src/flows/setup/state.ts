// GET /api/flow/setup?token= — whether the setup page can create the first admin with this link.
import type { FastifyInstance } from 'fastify';
import type { IdentityService } from '../../identity/index.ts';
import { SetupQuery, type SetupView } from '../schemas.ts';
import type { FirstAdminSetup } from './service.ts';

export function setupStateRoute(app: FastifyInstance, setup: FirstAdminSetup, identity: Pick<IdentityService, 'passwordPolicy'>): void {
  app.get<{ Querystring: SetupQuery }>('/api/flow/setup', { schema: { querystring: SetupQuery } }, async (request): Promise<SetupView> => ({
    state: await setup.state(request.query.token),
    // The policy in force (a config import may have set one before the first admin exists).
    passwordMinLength: (await identity.passwordPolicy()).minLength,
  }));
}
