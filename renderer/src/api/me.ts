// Typed calls to the portal API (/api/v1/me, server/src/portal): who is signed in, their apps, sessions, password
// and consents; and the flow API's sign-in and password-reset calls (server/src/flows) that lead there.
import { apiRequest } from './client';
import type { ChangePasswordBody, MeView, MyApps, MyConsents, MySessions, PasswordChanged } from '../../../server/src/portal/schemas';
import type { LoginBody, LoginDone, ResetBody, ResetDone, ResetView } from '../../../server/src/flows/schemas';

export type { MeView, MyApp, MyConsent, MySession } from '../../../server/src/portal/schemas';
export type { ResetView } from '../../../server/src/flows/schemas';

export const meApi = {
  me: () => apiRequest<MeView>('GET', '/api/v1/me'),
  apps: () => apiRequest<MyApps>('GET', '/api/v1/me/apps'),
  sessions: () => apiRequest<MySessions>('GET', '/api/v1/me/sessions'),
  revokeSession: (id: string) => apiRequest<void>('DELETE', `/api/v1/me/sessions/${encodeURIComponent(id)}`),
  changePassword: (body: ChangePasswordBody) => apiRequest<PasswordChanged>('PUT', '/api/v1/me/password', { json: body }),
  consents: () => apiRequest<MyConsents>('GET', '/api/v1/me/consents'),
  revokeConsent: (applicationId: string) => apiRequest<void>('DELETE', `/api/v1/me/consents/${encodeURIComponent(applicationId)}`),
};

export const signInApi = {
  signIn: (body: LoginBody) => apiRequest<LoginDone>('POST', '/api/flow/login', { json: body }),
  resetState: (token: string) => apiRequest<ResetView>('GET', '/api/flow/reset', { query: { token } }),
  reset: (body: ResetBody) => apiRequest<ResetDone>('POST', '/api/flow/reset', { json: body }),
};
