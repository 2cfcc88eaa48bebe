// GET /api/v1/events — the event log, newest first: by type or category, user, application and time, in keyset pages.
import type { FastifyInstance } from 'fastify';
import { GUARDED_ERRORS } from '../common-schemas.ts';
import { EventPage, ListEventsQuery } from './schemas.ts';
import type { EventsService } from './service.ts';

export function listEventsRoute(api: FastifyInstance, service: EventsService): void {
  api.get<{ Querystring: ListEventsQuery }>(
    '/api/v1/events',
    {
      config: { scope: 'events:read' },
      schema: {
        tags: ['events'],
        summary: 'List events, newest first',
        description: 'type is an exact type (user.created) or a category ending in a dot (user.). userId matches events by or about that user; applicationId events about that application and sign-ins to it. from is inclusive, to exclusive.',
        querystring: ListEventsQuery,
        response: { 200: EventPage, ...GUARDED_ERRORS },
      },
    },
    (request) => service.list(request.query),
  );
}
