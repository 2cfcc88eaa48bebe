// PUT /api/v1/settings/sessions — session lifetimes for sessions made from now on (idle at most the absolute one).
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../guard.ts';
import { GUARDED_ERRORS } from '../common-schemas.ts';
import { SessionSettings } from './schemas.ts';
import type { SettingsService } from './service.ts';

export function setSessionSettingsRoute(api: FastifyInstance, service: SettingsService): void {
  api.put<{ Body: SessionSettings }>(
    '/api/v1/settings/sessions',
    {
      config: { scope: 'settings:write' },
      schema: { tags: ['settings'], summary: 'Change the session lifetimes', body: SessionSettings, response: { 200: SessionSettings, ...GUARDED_ERRORS } },
    },
    (request) => service.setSessions(request.body, actorOf(request)),
  );
}
