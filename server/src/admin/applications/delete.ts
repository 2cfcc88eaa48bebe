// DELETE /api/v1/applications/:id — removes an application and revokes everything issued to it.
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../guard.ts';
import { ErrorAnswer, GUARDED_ERRORS } from '../common-schemas.ts';
import { ApplicationParams } from './schemas.ts';
import type { ApplicationsService } from './service.ts';

export function deleteApplicationRoute(api: FastifyInstance, service: ApplicationsService): void {
  api.delete<{ Params: ApplicationParams }>(
    '/api/v1/applications/:id',
    {
      config: { scope: 'applications:write' },
      schema: {
        tags: ['applications'],
        summary: 'Delete an application',
        description: 'Its grants (consents), codes and tokens are revoked in the same transaction.',
        params: ApplicationParams,
        response: { 204: Type.Null(), ...GUARDED_ERRORS, 404: ErrorAnswer },
      },
    },
    async (request, reply) => {
      await service.remove(request.params.id, actorOf(request));
      return reply.status(204).send();
    },
  );
}
