// GET /api/v1/groups/:id — one group with its member count.
import { IdParams } from '../common-schemas.ts';
import { GroupView } from './schemas.ts';
import { GROUP_ERRORS, type GroupsRoute } from './route.ts';

export const getGroupRoute: GroupsRoute = (api, groups) => {
  api.get<{ Params: IdParams }>(
    '/api/v1/groups/:id',
    { config: { scope: 'groups:read' }, schema: { tags: ['groups'], summary: 'Get a group', params: IdParams, response: { 200: GroupView, ...GROUP_ERRORS } } },
    (request) => groups.get(request.params.id),
  );
};
