// GET /api/v1/me — the signed-in user and their groups.
import type { FastifyInstance } from 'fastify';
import { GUARDED_ERRORS } from '../../admin/common-schemas.ts';
import { MeView } from '../schemas.ts';
import type { AccountService } from './service.ts';

export function meRoute(api: FastifyInstance, account: AccountService): void {
  api.get('/api/v1/me', { schema: { tags: ['portal'], summary: 'Show who I am', response: { 200: MeView, ...GUARDED_ERRORS } } }, (request) =>
    account.me(request.userSession!),
  );
}
