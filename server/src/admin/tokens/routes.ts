// The tokens routes of the admin API (one file per endpoint beside this one). None names a scope: only a signed-in
// admin may manage tokens (see guard.ts).
import type { RegisterRoutes } from '../deps.ts';
import { TokensAdmin } from './service.ts';
import { listTokensRoute } from './list.ts';
import { createTokenRoute } from './create.ts';
import { revokeTokenRoute } from './revoke.ts';

export const registerTokensRoutes: RegisterRoutes = (api, deps) => {
  const tokens = new TokensAdmin({ identity: deps.identity, tokens: deps.tokens });
  listTokensRoute(api, tokens);
  createTokenRoute(api, tokens);
  revokeTokenRoute(api, tokens);
};
