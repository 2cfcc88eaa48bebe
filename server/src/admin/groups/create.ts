// POST /api/v1/groups — a new group (names are unique regardless of case).
import { actorOf } from '../guard.ts';
import { CreateGroupBody, GroupView } from './schemas.ts';
import { GROUP_ERRORS, type GroupsRoute } from './route.ts';

export const createGroupRoute: GroupsRoute = (api, groups) => {
  api.post<{ Body: CreateGroupBody }>(
    '/api/v1/groups',
    { config: { scope: 'groups:write' }, schema: { tags: ['groups'], summary: 'Create a group', body: CreateGroupBody, response: { 201: GroupView, ...GROUP_ERRORS } } },
    async (request, reply) => reply.status(201).send(await groups.create(request.body, actorOf(request))),
  );
};
