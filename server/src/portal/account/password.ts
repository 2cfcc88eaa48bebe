// PUT /api/v1/me/password — change my password: the current one first (throttled like a sign-in), then the new one
// (the password policy applies); my other sessions end, this one stays.
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../../admin/guard.ts';
import { ErrorAnswer, GUARDED_ERRORS } from '../../admin/common-schemas.ts';
import { ChangePasswordBody, PasswordChanged } from '../schemas.ts';
import type { AccountService } from './service.ts';

export function changeMyPasswordRoute(api: FastifyInstance, account: AccountService): void {
  api.put<{ Body: ChangePasswordBody }>(
    '/api/v1/me/password',
    {
      schema: {
        tags: ['portal'],
        summary: 'Change my password',
        description: 'A wrong current password is a 400 on the field currentPassword; too many attempts a 429 with Retry-After.',
        body: ChangePasswordBody,
        response: { 200: PasswordChanged, ...GUARDED_ERRORS, 429: ErrorAnswer },
      },
    },
    (request, reply) => account.changePassword(request, reply, request.userSession!, request.body, actorOf(request)),
  );
}
