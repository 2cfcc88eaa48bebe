// GET /api/flow/setup?token= — whether the setup page can create the first admin with this link.
import type { FastifyInstance } from 'fastify';
import { PASSWORD_MIN_LENGTH } from '../../identity/schemas.ts';
import { SetupQuery, type SetupView } from '../schemas.ts';
import type { FirstAdminSetup } from './service.ts';

export function setupStateRoute(app: FastifyInstance, setup: FirstAdminSetup): void {
  app.get<{ Querystring: SetupQuery }>('/api/flow/setup', { schema: { querystring: SetupQuery } }, async (request): Promise<SetupView> => ({
    state: await setup.state(request.query.token),
    passwordMinLength: PASSWORD_MIN_LENGTH,
  }));
}
