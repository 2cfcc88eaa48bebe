// The status routes of the admin API (one file per endpoint beside this one).
import type { RegisterRoutes } from '../deps.ts';

export const registerStatusRoutes: RegisterRoutes = () => {};
