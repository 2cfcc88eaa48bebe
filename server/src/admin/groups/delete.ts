// DELETE /api/v1/groups/:id — the group and its memberships; its members stay.
import { actorOf } from '../guard.ts';
import { IdParams } from '../common-schemas.ts';
import { GROUP_ERRORS, NO_CONTENT, type GroupsRoute } from './route.ts';

export const deleteGroupRoute: GroupsRoute = (api, groups) => {
  api.delete<{ Params: IdParams }>(
    '/api/v1/groups/:id',
    { config: { scope: 'groups:write' }, schema: { tags: ['groups'], summary: 'Delete a group', params: IdParams, response: { ...NO_CONTENT, ...GROUP_ERRORS } } },
    async (request, reply) => {
      await groups.remove(request.params.id, actorOf(request));
      return reply.status(204).send();
    },
  );
};
