// POST /api/v1/applications/:id/secret — a new client secret, shown this once; the old one is refused at once.
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../guard.ts';
import { ErrorAnswer, GUARDED_ERRORS } from '../common-schemas.ts';
import { ApplicationParams, RotatedSecret } from './schemas.ts';
import type { ApplicationsService } from './service.ts';

export function rotateSecretRoute(api: FastifyInstance, service: ApplicationsService): void {
  api.post<{ Params: ApplicationParams }>(
    '/api/v1/applications/:id/secret',
    {
      config: { scope: 'applications:write' },
      schema: {
        tags: ['applications'],
        summary: 'Replace the client secret',
        description: 'The old secret stops working at once, on every instance. A public application has no secret (400).',
        params: ApplicationParams,
        response: { 200: RotatedSecret, ...GUARDED_ERRORS, 404: ErrorAnswer },
      },
    },
    (request) => service.rotateSecret(request.params.id, actorOf(request)),
  );
}
