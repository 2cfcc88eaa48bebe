// PUT /api/v1/groups/:id/members/:userId — puts the user in the group (a member already stays one).
import { actorOf } from '../guard.ts';
import { MemberParams } from './schemas.ts';
import { GROUP_ERRORS, NO_CONTENT, type GroupsRoute } from './route.ts';

export const addMemberRoute: GroupsRoute = (api, groups) => {
  api.put<{ Params: MemberParams }>(
    '/api/v1/groups/:id/members/:userId',
    { config: { scope: 'groups:write' }, schema: { tags: ['groups'], summary: 'Add a member', params: MemberParams, response: { ...NO_CONTENT, ...GROUP_ERRORS } } },
    async (request, reply) => {
      await groups.addMember(request.params.id, request.params.userId, actorOf(request));
      return reply.status(204).send();
    },
  );
};
