// GET /api/flow/reset?token= — whether this password-reset link can still set a password, and for whom.
import type { FastifyInstance } from 'fastify';
import { ResetQuery, type ResetView } from '../schemas.ts';
import type { PasswordResetFlow } from './service.ts';

export function resetStateRoute(app: FastifyInstance, reset: PasswordResetFlow): void {
  app.get<{ Querystring: ResetQuery }>('/api/flow/reset', { schema: { querystring: ResetQuery } }, (request): Promise<ResetView> => reset.view(request.query.token));
}
