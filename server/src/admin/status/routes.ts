// The status routes of the admin API (one file per endpoint beside this one).
import type { RegisterRoutes } from '../deps.ts';
import { StatusRepo } from './repo.ts';
import { StatusService } from './service.ts';
import { getStatusRoute } from './get.ts';
import { loginsChartRoute } from './logins.ts';

export const registerStatusRoutes: RegisterRoutes = (api, deps) => {
  const service = new StatusService(deps.ctx, new StatusRepo(deps.ctx.platform.pool));
  getStatusRoute(api, service);
  loginsChartRoute(api, service);
};
