// POST /api/flow/reset {token, password} — sets the password (once per link), ends the other sessions, signs in.
import type { FastifyInstance } from 'fastify';
import { ResetBody, type ResetDone } from '../schemas.ts';
import type { PasswordResetFlow } from './service.ts';

export function resetCompleteRoute(app: FastifyInstance, reset: PasswordResetFlow): void {
  app.post<{ Body: ResetBody }>('/api/flow/reset', { schema: { body: ResetBody } }, (request, reply): Promise<ResetDone> => reset.complete(request, reply, request.body));
}
