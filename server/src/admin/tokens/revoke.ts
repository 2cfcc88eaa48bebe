// DELETE /api/v1/tokens/:id — revokes an API token at once. Admin session only.
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../guard.ts';
import { ErrorAnswer, GUARDED_ERRORS, IdParams } from '../common-schemas.ts';
import type { TokensAdmin } from './service.ts';

export function revokeTokenRoute(api: FastifyInstance, tokens: TokensAdmin): void {
  api.delete<{ Params: IdParams }>(
    '/api/v1/tokens/:id',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Revoke an API token',
        description: 'Needs an admin signed in to the control UI; API tokens are refused.',
        params: IdParams,
        response: { 204: { type: 'null', description: 'Revoked.' }, ...GUARDED_ERRORS, 404: ErrorAnswer },
      },
    },
    async (request, reply) => {
      await tokens.revoke(request.params.id, actorOf(request));
      return reply.status(204).send();
    },
  );
}
