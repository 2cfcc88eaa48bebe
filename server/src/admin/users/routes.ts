// The users routes of the admin API (one file per endpoint beside this one).
import type { RegisterRoutes } from '../deps.ts';
import { createUsersAdmin } from './service.ts';
import { listUsersRoute } from './list.ts';
import { createUserRoute } from './create.ts';
import { getUserRoute } from './get.ts';
import { updateUserRoute } from './update.ts';
import { deleteUserRoute } from './delete.ts';
import { setUserGroupsRoute } from './set-groups.ts';
import { passwordResetRoute } from './password-reset.ts';
import { userSessionsRoute } from './sessions.ts';
import { revokeUserSessionsRoute } from './revoke-sessions.ts';

const ROUTES = [listUsersRoute, createUserRoute, getUserRoute, updateUserRoute, deleteUserRoute, setUserGroupsRoute, passwordResetRoute, userSessionsRoute, revokeUserSessionsRoute];

export const registerUsersRoutes: RegisterRoutes = (api, deps) => {
  const users = createUsersAdmin({ identity: deps.identity, db: deps.ctx.platform.pool, publicUrl: deps.ctx.publicUrl });
  for (const route of ROUTES) route(api, users);
};
