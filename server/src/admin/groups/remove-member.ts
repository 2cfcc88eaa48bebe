// DELETE /api/v1/groups/:id/members/:userId — takes the user out of the group (a non-member stays out).
import { actorOf } from '../guard.ts';
import { MemberParams } from './schemas.ts';
import { GROUP_ERRORS, NO_CONTENT, type GroupsRoute } from './route.ts';

export const removeMemberRoute: GroupsRoute = (api, groups) => {
  api.delete<{ Params: MemberParams }>(
    '/api/v1/groups/:id/members/:userId',
    { config: { scope: 'groups:write' }, schema: { tags: ['groups'], summary: 'Remove a member', params: MemberParams, response: { ...NO_CONTENT, ...GROUP_ERRORS } } },
    async (request, reply) => {
      await groups.removeMember(request.params.id, request.params.userId, actorOf(request));
      return reply.status(204).send();
    },
  );
};
