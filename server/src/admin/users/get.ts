// GET /api/v1/users/:id — one user with their groups.
import { IdParams } from '../common-schemas.ts';
import { UserDetail } from './schemas.ts';
import { USER_ERRORS, type UsersRoute } from './route.ts';

export const getUserRoute: UsersRoute = (api, users) => {
  api.get<{ Params: IdParams }>(
    '/api/v1/users/:id',
    {
      config: { scope: 'users:read' },
      schema: { tags: ['users'], summary: 'Get a user', params: IdParams, response: { 200: UserDetail, ...USER_ERRORS } },
    },
    (request) => users.get(request.params.id),
  );
};
