// PATCH /api/v1/groups/:id — rename, or change the description. Apps see a new name in the next token they get.
import { actorOf } from '../guard.ts';
import { IdParams } from '../common-schemas.ts';
import { GroupView, UpdateGroupBody } from './schemas.ts';
import { GROUP_ERRORS, type GroupsRoute } from './route.ts';

export const updateGroupRoute: GroupsRoute = (api, groups) => {
  api.patch<{ Params: IdParams; Body: UpdateGroupBody }>(
    '/api/v1/groups/:id',
    { config: { scope: 'groups:write' }, schema: { tags: ['groups'], summary: 'Change a group', params: IdParams, body: UpdateGroupBody, response: { 200: GroupView, ...GROUP_ERRORS } } },
    (request) => groups.update(request.params.id, request.body, actorOf(request)),
  );
};
