// PUT /api/v1/settings/branding — the instance's name, shown on the sign-in pages and in the control UI.
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../guard.ts';
import { GUARDED_ERRORS } from '../common-schemas.ts';
import { Branding, BrandingBody } from './schemas.ts';
import type { SettingsService } from './service.ts';

export function setBrandingRoute(api: FastifyInstance, service: SettingsService): void {
  api.put<{ Body: BrandingBody }>(
    '/api/v1/settings/branding',
    {
      config: { scope: 'settings:write' },
      schema: { tags: ['settings'], summary: 'Rename the instance', body: BrandingBody, response: { 200: Branding, ...GUARDED_ERRORS } },
    },
    (request) => service.setInstanceName(request.body.instanceName, actorOf(request)),
  );
}
