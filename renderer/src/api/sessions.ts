// Typed calls to the sessions API (/api/v1/sessions, server/src/admin/sessions): every live session, and revoking.
import { apiRequest } from './client';
import type { ListSessionsQuery, RevokedSessions, SessionPage } from '../../../server/src/admin/sessions/schemas';

export type { RevokedSessions, SessionPage, SessionView } from '../../../server/src/admin/sessions/schemas';

export const sessionsApi = {
  list: (query: ListSessionsQuery = {}) => apiRequest<SessionPage>('GET', '/api/v1/sessions', { query }),
  revoke: (id: string) => apiRequest<void>('DELETE', `/api/v1/sessions/${encodeURIComponent(id)}`),
  /** Ends every session of one user; answers how many there were. */
  revokeAllOfUser: (userId: string) => apiRequest<RevokedSessions>('DELETE', `/api/v1/users/${encodeURIComponent(userId)}/sessions`),
};
