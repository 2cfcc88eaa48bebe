// GET /api/v1/me/sessions — my live sessions, most recently used first; `current` marks this browser's.
import type { FastifyInstance } from 'fastify';
import { GUARDED_ERRORS } from '../../admin/common-schemas.ts';
import { MySessions } from '../schemas.ts';
import type { AccountService } from './service.ts';

export function mySessionsRoute(api: FastifyInstance, account: AccountService): void {
  api.get('/api/v1/me/sessions', { schema: { tags: ['portal'], summary: 'List my sessions', response: { 200: MySessions, ...GUARDED_ERRORS } } }, (request) =>
    account.sessions(request.userSession!),
  );
}
