// The portal's applications routes: my apps (launcher) and the apps I consented to (one file per endpoint beside this one).
import type { RegisterRoutes } from '../../admin/deps.ts';

export const registerPortalAppRoutes: RegisterRoutes = () => {};
