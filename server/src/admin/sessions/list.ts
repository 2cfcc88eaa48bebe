// GET /api/v1/sessions — every live session, most recently used first (optionally one user's), keyset-paged.
import type { FastifyInstance } from 'fastify';
import { GUARDED_ERRORS } from '../common-schemas.ts';
import { ListSessionsQuery, SessionPage } from './schemas.ts';
import type { SessionsAdmin } from './service.ts';

export function listSessionsRoute(api: FastifyInstance, sessions: SessionsAdmin): void {
  api.get<{ Querystring: ListSessionsQuery }>(
    '/api/v1/sessions',
    {
      config: { scope: 'sessions:read' },
      schema: { tags: ['sessions'], summary: 'List live sessions', querystring: ListSessionsQuery, response: { 200: SessionPage, ...GUARDED_ERRORS } },
    },
    (request) => sessions.list(request.query),
  );
}
