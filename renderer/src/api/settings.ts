// Typed calls to the settings API (/api/v1/settings, server/src/admin/settings), for the control UI's Settings page
// and the setup wizard, and the public branding every sign-in page shows (/api/flow/branding).
import { apiRequest } from './client';
import type {
  Branding,
  BrandingBody,
  InstanceBody,
  InstanceSettings,
  PasswordPolicy,
  SessionSettings,
  SettingsView,
} from '../../../server/src/admin/settings/schemas';

export type { Branding, InstanceSettings, PasswordPolicy, SessionSettings, SettingsView } from '../../../server/src/admin/settings/schemas';

export const settingsApi = {
  get: () => apiRequest<SettingsView>('GET', '/api/v1/settings'),
  saveSessions: (body: SessionSettings) => apiRequest<SessionSettings>('PUT', '/api/v1/settings/sessions', { json: body }),
  savePasswordPolicy: (body: PasswordPolicy) => apiRequest<PasswordPolicy>('PUT', '/api/v1/settings/password-policy', { json: body }),
  saveBranding: (body: BrandingBody) => apiRequest<Branding>('PUT', '/api/v1/settings/branding', { json: body }),
  /** The logo file as it is (PNG, JPEG or WebP), sent with its own content type. */
  uploadLogo: (file: Blob) => apiRequest<Branding>('PUT', '/api/v1/settings/branding/logo', { raw: file }),
  removeLogo: () => apiRequest<Branding>('DELETE', '/api/v1/settings/branding/logo'),
  saveInstance: (body: InstanceBody) => apiRequest<InstanceSettings>('PUT', '/api/v1/settings/instance', { json: body }),
};

/** The instance's name and logo, for any visitor (the sign-in pages show them). */
export const brandingApi = {
  get: () => apiRequest<Branding>('GET', '/api/flow/branding'),
};
