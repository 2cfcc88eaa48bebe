// GET /api/v1/users/:id/sessions — that user's live sessions, most recently used first.
import { IdParams } from '../common-schemas.ts';
import { SessionPage } from '../sessions/schemas.ts';
import { UserSessionsQuery } from './schemas.ts';
import { USER_ERRORS, type UsersRoute } from './route.ts';

export const userSessionsRoute: UsersRoute = (api, users) => {
  api.get<{ Params: IdParams; Querystring: UserSessionsQuery }>(
    '/api/v1/users/:id/sessions',
    {
      config: { scope: 'sessions:read' },
      schema: { tags: ['users', 'sessions'], summary: "List a user's sessions", params: IdParams, querystring: UserSessionsQuery, response: { 200: SessionPage, ...USER_ERRORS } },
    },
    (request) => users.sessionsOf(request.params.id, request.query),
  );
};
