// The settings routes of the admin API (one file per endpoint beside this one), and the public branding routes the
// sign-in pages use (public-routes.ts, registered outside the guard).
import type { RegisterRoutes } from '../deps.ts';
import { settingsServiceOf } from './service.ts';
import { getSettingsRoute } from './get.ts';
import { setSessionSettingsRoute } from './sessions.ts';
import { setPasswordPolicyRoute } from './password-policy.ts';
import { setBrandingRoute } from './branding.ts';
import { uploadLogoRoute } from './logo-upload.ts';
import { deleteLogoRoute } from './logo-delete.ts';
import { setInstanceRoute } from './instance.ts';

export const registerSettingsRoutes: RegisterRoutes = async (api, deps) => {
  const service = settingsServiceOf(deps);
  getSettingsRoute(api, service);
  setSessionSettingsRoute(api, service);
  setPasswordPolicyRoute(api, service);
  setBrandingRoute(api, service);
  await uploadLogoRoute(api, service);
  deleteLogoRoute(api, service);
  setInstanceRoute(api, service);
};
