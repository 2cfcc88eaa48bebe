// POST /api/v1/users/:id/password-reset — a one-time link (24 h) for the user to choose a password; the admin copies
// or prints it (Gatehouse sends no mail). A new link replaces the older one.
import { actorOf } from '../guard.ts';
import { IdParams } from '../common-schemas.ts';
import { PasswordResetLink } from './schemas.ts';
import { USER_ERRORS, type UsersRoute } from './route.ts';

export const passwordResetRoute: UsersRoute = (api, users) => {
  api.post<{ Params: IdParams }>(
    '/api/v1/users/:id/password-reset',
    {
      config: { scope: 'users:write' },
      schema: { tags: ['users'], summary: 'Make a password-reset link', params: IdParams, response: { 201: PasswordResetLink, ...USER_ERRORS } },
    },
    async (request, reply) => reply.status(201).send(await users.createResetLink(request.params.id, actorOf(request))),
  );
};
