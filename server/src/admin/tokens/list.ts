// GET /api/v1/tokens — the API tokens not revoked, and the scopes a token may have. Admin session only.
import type { FastifyInstance } from 'fastify';
import { GUARDED_ERRORS } from '../common-schemas.ts';
import { TokenList } from './schemas.ts';
import type { TokensAdmin } from './service.ts';

export function listTokensRoute(api: FastifyInstance, tokens: TokensAdmin): void {
  api.get('/api/v1/tokens', { schema: { tags: ['tokens'], summary: 'List API tokens', description: 'Needs an admin signed in to the control UI; API tokens are refused.', response: { 200: TokenList, ...GUARDED_ERRORS } } }, () => tokens.list());
}
