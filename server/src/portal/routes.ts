// The user portal's routes (/api/v1/me…): the account (me, sessions, password) and applications (launcher, consents).
import type { RegisterRoutes } from '../admin/deps.ts';
import { registerPortalAccountRoutes } from './account/routes.ts';
import { registerPortalAppRoutes } from './apps/routes.ts';

export const registerPortalRoutes: RegisterRoutes = async (api, deps) => {
  await registerPortalAccountRoutes(api, deps);
  await registerPortalAppRoutes(api, deps);
};
