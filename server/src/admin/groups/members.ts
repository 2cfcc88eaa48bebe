// GET /api/v1/groups/:id/members — the group's members, searched and paged as the users list is.
import { IdParams } from '../common-schemas.ts';
import { UserPage } from '../users/schemas.ts';
import { ListMembersQuery } from './schemas.ts';
import { GROUP_ERRORS, type GroupsRoute } from './route.ts';

export const listMembersRoute: GroupsRoute = (api, groups) => {
  api.get<{ Params: IdParams; Querystring: ListMembersQuery }>(
    '/api/v1/groups/:id/members',
    {
      config: { scope: 'groups:read' },
      schema: { tags: ['groups'], summary: "List a group's members", params: IdParams, querystring: ListMembersQuery, response: { 200: UserPage, ...GROUP_ERRORS } },
    },
    (request) => groups.members(request.params.id, request.query),
  );
};
