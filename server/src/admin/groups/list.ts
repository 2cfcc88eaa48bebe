// GET /api/v1/groups — search by name, keyset pages in name order, with member counts and the total.
import { GUARDED_ERRORS } from '../common-schemas.ts';
import { GroupPage, ListGroupsQuery } from './schemas.ts';
import type { GroupsRoute } from './route.ts';

export const listGroupsRoute: GroupsRoute = (api, groups) => {
  api.get<{ Querystring: ListGroupsQuery }>(
    '/api/v1/groups',
    { config: { scope: 'groups:read' }, schema: { tags: ['groups'], summary: 'List groups', querystring: ListGroupsQuery, response: { 200: GroupPage, ...GUARDED_ERRORS } } },
    (request) => groups.list(request.query),
  );
};
