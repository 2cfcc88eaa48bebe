// DELETE /api/v1/me/sessions/:id — ends one of my sessions (signing out that browser or device). Another user's
// session id answers 404 and ends nothing.
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../../admin/guard.ts';
import { ErrorAnswer, GUARDED_ERRORS, IdParams } from '../../admin/common-schemas.ts';
import type { AccountService } from './service.ts';

export function revokeMySessionRoute(api: FastifyInstance, account: AccountService): void {
  api.delete<{ Params: IdParams }>(
    '/api/v1/me/sessions/:id',
    { schema: { tags: ['portal'], summary: 'End one of my sessions', params: IdParams, response: { 204: Type.Null(), ...GUARDED_ERRORS, 404: ErrorAnswer } } },
    async (request, reply) => {
      await account.revokeSession(request.userSession!, request.params.id.toLowerCase(), actorOf(request));
      return reply.status(204).send();
    },
  );
}
