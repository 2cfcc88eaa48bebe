// GET /api/v1/applications — applications in name order, searched by name, in keyset pages.
import type { FastifyInstance } from 'fastify';
import { GUARDED_ERRORS } from '../common-schemas.ts';
import { ApplicationPage, ListApplicationsQuery } from './schemas.ts';
import type { ApplicationsService } from './service.ts';

export function listApplicationsRoute(api: FastifyInstance, service: ApplicationsService): void {
  api.get<{ Querystring: ListApplicationsQuery }>(
    '/api/v1/applications',
    {
      config: { scope: 'applications:read' },
      schema: {
        tags: ['applications'],
        summary: 'List applications',
        description: 'In name order (regardless of case); search matches a part of the name.',
        querystring: ListApplicationsQuery,
        response: { 200: ApplicationPage, ...GUARDED_ERRORS },
      },
    },
    (request) => service.list(request.query),
  );
}
