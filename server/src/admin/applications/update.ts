// PATCH /api/v1/applications/:id — changes settings, checked as a whole like a registration; every instance sees
// the change (a disabled application is refused at every endpoint) at once.
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../guard.ts';
import { ErrorAnswer, GUARDED_ERRORS } from '../common-schemas.ts';
import { ApplicationDetail, ApplicationParams, UpdateApplicationBody } from './schemas.ts';
import type { ApplicationsService } from './service.ts';

export function updateApplicationRoute(api: FastifyInstance, service: ApplicationsService): void {
  api.patch<{ Params: ApplicationParams; Body: UpdateApplicationBody }>(
    '/api/v1/applications/:id',
    {
      config: { scope: 'applications:write' },
      schema: {
        tags: ['applications'],
        summary: 'Change an application',
        params: ApplicationParams,
        body: UpdateApplicationBody,
        response: { 200: ApplicationDetail, ...GUARDED_ERRORS, 404: ErrorAnswer, 409: ErrorAnswer },
      },
    },
    (request) => service.update(request.params.id, request.body, actorOf(request)),
  );
}
