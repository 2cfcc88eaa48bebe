// The portal's applications routes: my apps (launcher) and the apps I consented to (one file per endpoint beside this one).
import type { RegisterRoutes } from '../../admin/deps.ts';
import { myAppsRoute } from './my-apps.ts';
import { myConsentsRoute } from './my-consents.ts';
import { revokeConsentRoute } from './revoke-consent.ts';

export const registerPortalAppRoutes: RegisterRoutes = (api, deps) => {
  myAppsRoute(api, deps.oidc);
  myConsentsRoute(api, deps.oidc);
  revokeConsentRoute(api, deps.oidc);
};
