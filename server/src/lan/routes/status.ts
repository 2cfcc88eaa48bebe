// GET /api/v1/lan — LAN mode as it runs: host name, addresses, URLs, the CA's fingerprints and expiry, the server
// certificate, mDNS. Read-only: LAN settings are configuration (they change the OIDC issuer), applied at start.
import type { FastifyInstance } from 'fastify';
import { ErrorAnswer } from '../../admin/common-schemas.ts';
import { LanStatusView } from '../schemas.ts';
import type { LanService } from '../service.ts';

export function statusRoute(api: FastifyInstance, service: LanService): void {
  api.get(
    '/api/v1/lan',
    {
      config: { scope: 'settings:read' },
      schema: { tags: ['lan'], summary: 'LAN mode: host name, addresses, URLs, CA certificate, mDNS', response: { 200: LanStatusView, '4xx': ErrorAnswer } },
    },
    async (): Promise<LanStatusView> => service.status(),
  );
}
