// The user portal's routes (/api/v1/me…), one file per endpoint beside this one.
import type { RegisterRoutes } from '../admin/deps.ts';

export const registerPortalRoutes: RegisterRoutes = () => {};
