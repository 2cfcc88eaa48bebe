// The applications routes of the admin API (one file per endpoint beside this one).
import type { RegisterRoutes } from '../deps.ts';
import { ApplicationsService } from './service.ts';
import { listApplicationsRoute } from './list.ts';
import { getApplicationRoute } from './get.ts';
import { createApplicationRoute } from './create.ts';
import { updateApplicationRoute } from './update.ts';
import { rotateSecretRoute } from './rotate-secret.ts';
import { deleteApplicationRoute } from './delete.ts';

export const registerApplicationsRoutes: RegisterRoutes = (api, deps) => {
  const service = new ApplicationsService(deps.oidc);
  listApplicationsRoute(api, service);
  getApplicationRoute(api, service);
  createApplicationRoute(api, service);
  updateApplicationRoute(api, service);
  rotateSecretRoute(api, service);
  deleteApplicationRoute(api, service);
};
