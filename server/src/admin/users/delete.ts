// DELETE /api/v1/users/:id — the user, their memberships, sessions and reset link (not the last admin, not yourself).
import { actorOf } from '../guard.ts';
import { IdParams } from '../common-schemas.ts';
import { USER_ERRORS, type UsersRoute } from './route.ts';

export const deleteUserRoute: UsersRoute = (api, users) => {
  api.delete<{ Params: IdParams }>(
    '/api/v1/users/:id',
    {
      config: { scope: 'users:write' },
      schema: { tags: ['users'], summary: 'Delete a user', params: IdParams, response: { 204: { type: 'null', description: 'Deleted.' }, ...USER_ERRORS } },
    },
    async (request, reply) => {
      await users.remove(request.params.id, actorOf(request));
      return reply.status(204).send();
    },
  );
};
