// PUT /api/v1/settings/instance — the public URL for the next start (the OIDC issuer cannot change under running
// apps); the answer says whether a restart is needed, or whether the config file sets it anyway.
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../guard.ts';
import { GUARDED_ERRORS } from '../common-schemas.ts';
import { InstanceBody, InstanceSettings } from './schemas.ts';
import type { SettingsService } from './service.ts';

export function setInstanceRoute(api: FastifyInstance, service: SettingsService): void {
  api.put<{ Body: InstanceBody }>(
    '/api/v1/settings/instance',
    {
      config: { scope: 'settings:write' },
      schema: {
        tags: ['settings'],
        summary: 'Save the public URL (applies at the next start)',
        description: 'http.publicUrl in the config file or GATEHOUSE_HTTP_PUBLIC_URL wins over the saved address (setByConfig).',
        body: InstanceBody,
        response: { 200: InstanceSettings, ...GUARDED_ERRORS },
      },
    },
    (request) => service.setPublicUrl(request.body.publicUrl, actorOf(request)),
  );
}
