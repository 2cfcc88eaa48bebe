// Typed calls to the status API (/api/v1/status, server/src/admin/status): the dashboard's facts and its chart.
import { apiRequest } from './client';
import type { LoginsChart, LoginsQuery, StatusView } from '../../../server/src/admin/status/schemas';

export type { LoginsChart, StatusView } from '../../../server/src/admin/status/schemas';
export type LoginsRange = NonNullable<LoginsQuery['range']>;

export const statusApi = {
  status: () => apiRequest<StatusView>('GET', '/api/v1/status'),
  logins: (range: LoginsRange) => apiRequest<LoginsChart>('GET', '/api/v1/status/logins', { query: { range } }),
};
