// Typed calls to the LAN API (/api/v1/lan, server/src/lan), for the Settings page's LAN section: LAN mode as it runs,
// and the LAN settings saved for the next start. The shapes are the server's own contract.
import { apiRequest } from './client';
import type { LanPreferences, LanView } from '../../../server/src/lan/schemas';

export type { LanPreferences, LanView } from '../../../server/src/lan/schemas';
export { LAN_HOSTNAME_PATTERN, LAN_HOSTNAME_RULE } from '../../../server/src/lan/hostname-rule';

export const lanApi = {
  get: () => apiRequest<LanView>('GET', '/api/v1/lan'),
  /** Fields left out keep what was saved (the form leaves out those the config file or a flag decides). */
  save: (body: LanPreferences) => apiRequest<LanView>('PUT', '/api/v1/lan', { json: body }),
};
