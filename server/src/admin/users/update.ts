// PATCH /api/v1/users/:id — email, verified, display name, admin, active. Disabling ends the user's sessions;
// the last active admin cannot be demoted or disabled, nor can an admin do that to themselves.
import { actorOf } from '../guard.ts';
import { IdParams } from '../common-schemas.ts';
import { UpdateUserBody, UserDetail } from './schemas.ts';
import { USER_ERRORS, type UsersRoute } from './route.ts';

export const updateUserRoute: UsersRoute = (api, users) => {
  api.patch<{ Params: IdParams; Body: UpdateUserBody }>(
    '/api/v1/users/:id',
    {
      config: { scope: 'users:write' },
      schema: { tags: ['users'], summary: 'Change a user', params: IdParams, body: UpdateUserBody, response: { 200: UserDetail, ...USER_ERRORS } },
    },
    (request) => users.update(request.params.id, request.body, actorOf(request)),
  );
};
