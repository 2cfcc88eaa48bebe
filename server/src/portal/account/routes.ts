// The portal's account routes: who I am, my sessions, my password (one file per endpoint beside this one).
import type { RegisterRoutes } from '../../admin/deps.ts';

export const registerPortalAccountRoutes: RegisterRoutes = () => {};
