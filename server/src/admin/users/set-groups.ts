// PUT /api/v1/users/:id/groups {groupIds} — the user's groups, exactly these.
import { actorOf } from '../guard.ts';
import { IdParams } from '../common-schemas.ts';
import { SetUserGroupsBody, UserDetail } from './schemas.ts';
import { USER_ERRORS, type UsersRoute } from './route.ts';

export const setUserGroupsRoute: UsersRoute = (api, users) => {
  api.put<{ Params: IdParams; Body: SetUserGroupsBody }>(
    '/api/v1/users/:id/groups',
    {
      config: { scope: 'users:write' },
      schema: { tags: ['users'], summary: "Set a user's groups", params: IdParams, body: SetUserGroupsBody, response: { 200: UserDetail, ...USER_ERRORS } },
    },
    (request) => users.setGroups(request.params.id, request.body.groupIds, actorOf(request)),
  );
};
