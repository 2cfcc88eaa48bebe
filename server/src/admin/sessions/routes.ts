// The sessions routes of the admin API (one file per endpoint beside this one).
import type { RegisterRoutes } from '../deps.ts';
import { listSessionsRoute } from './list.ts';
import { revokeSessionRoute } from './revoke.ts';
import { SessionsAdmin } from './service.ts';

export const registerSessionsRoutes: RegisterRoutes = (api, deps) => {
  const sessions = new SessionsAdmin({ identity: deps.identity, db: deps.ctx.platform.pool });
  listSessionsRoute(api, sessions);
  revokeSessionRoute(api, sessions);
};
