// GET /api/v1/lan — LAN mode as it runs (host name, addresses, URLs, the CA's fingerprints and expiry, the server
// certificate, mDNS) and what the next start will do (what is saved, what the config decides, whether to restart).
import type { FastifyInstance } from 'fastify';
import { ErrorAnswer } from '../../admin/common-schemas.ts';
import type { LanPreferencesStore } from '../preferences.ts';
import { LanView } from '../schemas.ts';
import type { LanService } from '../service.ts';

export function statusRoute(api: FastifyInstance, service: LanService, preferences: LanPreferencesStore): void {
  api.get(
    '/api/v1/lan',
    {
      config: { scope: 'settings:read' },
      schema: { tags: ['lan'], summary: 'LAN mode: host name, addresses, URLs, CA certificate, mDNS, and the settings for the next start', response: { 200: LanView, '4xx': ErrorAnswer } },
    },
    () => lanView(service, preferences),
  );
}

/** What GET and PUT answer. */
export async function lanView(service: LanService, preferences: LanPreferencesStore): Promise<LanView> {
  return { ...service.status(), ...(await preferences.view()) };
}
