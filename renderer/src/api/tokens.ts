// Typed calls to the API tokens API (/api/v1/tokens, server/src/admin/tokens), for the control UI's API tokens page.
import { apiRequest } from './client';
import type { CreateTokenBody, CreatedToken, TokenList } from '../../../server/src/admin/tokens/schemas';

export type { CreateTokenBody, CreatedToken, TokenList, TokenView } from '../../../server/src/admin/tokens/schemas';
export type { AdminScope } from '../../../server/src/admin/scopes';

export const tokensApi = {
  list: () => apiRequest<TokenList>('GET', '/api/v1/tokens'),
  create: (body: CreateTokenBody) => apiRequest<CreatedToken>('POST', '/api/v1/tokens', { json: body }),
  revoke: (id: string) => apiRequest<void>('DELETE', `/api/v1/tokens/${encodeURIComponent(id)}`),
};
