// POST /api/v1/users — a new user, optionally in groups; without a password, the admin makes a reset link next.
import { actorOf } from '../guard.ts';
import { CreateUserBody, UserDetail } from './schemas.ts';
import { USER_ERRORS, type UsersRoute } from './route.ts';

export const createUserRoute: UsersRoute = (api, users) => {
  api.post<{ Body: CreateUserBody }>(
    '/api/v1/users',
    {
      config: { scope: 'users:write' },
      schema: { tags: ['users'], summary: 'Create a user', body: CreateUserBody, response: { 201: UserDetail, ...USER_ERRORS } },
    },
    async (request, reply) => reply.status(201).send(await users.create(request.body, actorOf(request))),
  );
};
