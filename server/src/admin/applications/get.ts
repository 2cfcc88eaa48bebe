// GET /api/v1/applications/:id — one application with the URLs and ready snippets to configure it.
import type { FastifyInstance } from 'fastify';
import { ErrorAnswer, GUARDED_ERRORS } from '../common-schemas.ts';
import { ApplicationDetail, ApplicationParams } from './schemas.ts';
import type { ApplicationsService } from './service.ts';

export function getApplicationRoute(api: FastifyInstance, service: ApplicationsService): void {
  api.get<{ Params: ApplicationParams }>(
    '/api/v1/applications/:id',
    {
      config: { scope: 'applications:read' },
      schema: {
        tags: ['applications'],
        summary: 'Get an application, its endpoints and configuration snippets',
        params: ApplicationParams,
        response: { 200: ApplicationDetail, ...GUARDED_ERRORS, 404: ErrorAnswer },
      },
    },
    (request) => service.get(request.params.id),
  );
}
