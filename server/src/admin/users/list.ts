// GET /api/v1/users — search, filter by status or group, keyset pages in username order, with the total.
import { GUARDED_ERRORS } from '../common-schemas.ts';
import { ListUsersQuery, UserPage } from './schemas.ts';
import type { UsersRoute } from './route.ts';

export const listUsersRoute: UsersRoute = (api, users) => {
  api.get<{ Querystring: ListUsersQuery }>(
    '/api/v1/users',
    {
      config: { scope: 'users:read' },
      schema: { tags: ['users'], summary: 'List users', querystring: ListUsersQuery, response: { 200: UserPage, ...GUARDED_ERRORS } },
    },
    (request) => users.list(request.query),
  );
};
