// PUT /api/v1/lan — LAN settings for the next start (they change the OIDC issuer, so they never change under running
// apps): saved, recorded as settings.changed, and answered with the LAN view, which says whether a restart is needed
// and which fields the config file or a flag decides anyway.
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../../admin/guard.ts';
import { HttpError } from '../../http/errors.ts';
import { GUARDED_ERRORS } from '../../admin/common-schemas.ts';
import type { LanPreferencesStore } from '../preferences.ts';
import { LanPreferences, LanView } from '../schemas.ts';
import type { LanService } from '../service.ts';
import { lanView } from './status.ts';

export function savePreferencesRoute(api: FastifyInstance, service: LanService, preferences: LanPreferencesStore, httpPort: number): void {
  api.put<{ Body: LanPreferences }>(
    '/api/v1/lan',
    {
      config: { scope: 'settings:write' },
      schema: {
        tags: ['lan'],
        summary: 'Save LAN settings for the next start',
        description: 'A field left out keeps what was saved. The config file, GATEHOUSE_LAN_* variables and the --lan flags win over each saved field (setByConfig).',
        body: LanPreferences,
        response: { 200: LanView, ...GUARDED_ERRORS },
      },
    },
    async (request) => {
      // Both listeners bind the port on every address: the same port for both would stop the next start.
      if (request.body.port !== undefined && request.body.port === httpPort) {
        throw new HttpError(400, 'lan_port_taken', `Port ${httpPort} is the one Gatehouse's own HTTP listener uses. Choose another port for HTTPS on the LAN, such as 9443.`, {}, 'port');
      }
      await preferences.save(request.body, actorOf(request));
      return lanView(service, preferences);
    },
  );
}
