// Typed calls to the applications API (/api/v1/applications, server/src/admin/applications), for the control UI's
// Applications pages. The shapes are the server's own contract.
import { apiRequest } from './client';
import type {
  ApplicationDetail,
  ApplicationPage,
  CreateApplicationBody,
  CreatedApplication,
  ListApplicationsQuery,
  RotatedSecret,
  UpdateApplicationBody,
} from '../../../server/src/admin/applications/schemas';

export type {
  ApplicationDetail,
  ApplicationSummary,
  ConfigSnippet,
  CreateApplicationBody,
  CreatedApplication,
  OidcEndpoints,
  UpdateApplicationBody,
} from '../../../server/src/admin/applications/schemas';

export type GrantType = ApplicationDetail['grantTypes'][number];

const applicationUrl = (id: string) => `/api/v1/applications/${encodeURIComponent(id)}`;

export const applicationsApi = {
  list: (query: ListApplicationsQuery) => apiRequest<ApplicationPage>('GET', '/api/v1/applications', { query }),
  get: (id: string) => apiRequest<ApplicationDetail>('GET', applicationUrl(id)),
  create: (body: CreateApplicationBody) => apiRequest<CreatedApplication>('POST', '/api/v1/applications', { json: body }),
  update: (id: string, body: UpdateApplicationBody) => apiRequest<ApplicationDetail>('PATCH', applicationUrl(id), { json: body }),
  remove: (id: string) => apiRequest<void>('DELETE', applicationUrl(id)),
  rotateSecret: (id: string) => apiRequest<RotatedSecret>('POST', `${applicationUrl(id)}/secret`),
};
