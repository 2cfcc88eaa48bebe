// DELETE /api/v1/sessions/:id — ends one session at once, on every instance; the user must sign in again.
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../guard.ts';
import { ErrorAnswer, GUARDED_ERRORS, IdParams } from '../common-schemas.ts';
import type { SessionsAdmin } from './service.ts';

export function revokeSessionRoute(api: FastifyInstance, sessions: SessionsAdmin): void {
  api.delete<{ Params: IdParams }>(
    '/api/v1/sessions/:id',
    {
      config: { scope: 'sessions:write' },
      schema: { tags: ['sessions'], summary: 'Revoke a session', params: IdParams, response: { 204: { type: 'null', description: 'Revoked.' }, ...GUARDED_ERRORS, 404: ErrorAnswer } },
    },
    async (request, reply) => {
      await sessions.revoke(request.params.id, actorOf(request));
      return reply.status(204).send();
    },
  );
}
