// Typed calls to the events API (/api/v1/events, server/src/admin/events): the audit log, newest first; and the
// list of applications its filter offers (the applications API's own list, read only).
import { apiRequest } from './client';
import type { EventPage, EventTypes, ListEventsQuery } from '../../../server/src/admin/events/schemas';
import type { ApplicationPage } from '../../../server/src/admin/applications/schemas';

export type { EventPage, EventView, ListEventsQuery } from '../../../server/src/admin/events/schemas';

export const eventsApi = {
  list: (query: ListEventsQuery = {}) => apiRequest<EventPage>('GET', '/api/v1/events', { query }),
  types: () => apiRequest<EventTypes>('GET', '/api/v1/events/types'),
  applications: () => apiRequest<ApplicationPage>('GET', '/api/v1/applications', { query: { limit: 100 } }),
};
