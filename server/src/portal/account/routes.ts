// The portal's account routes: who I am, my sessions, my password (one file per endpoint beside this one).
import type { RegisterRoutes } from '../../admin/deps.ts';
import { AccountService } from './service.ts';
import { meRoute } from './me.ts';
import { mySessionsRoute } from './sessions.ts';
import { revokeMySessionRoute } from './revoke-session.ts';
import { changeMyPasswordRoute } from './password.ts';

export const registerPortalAccountRoutes: RegisterRoutes = (api, deps) => {
  const account = new AccountService({ identity: deps.identity, rateLimiter: deps.ctx.platform.rateLimiter });
  meRoute(api, account);
  mySessionsRoute(api, account);
  revokeMySessionRoute(api, account);
  changeMyPasswordRoute(api, account);
};
