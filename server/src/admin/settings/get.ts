// GET /api/v1/settings — every setting of the settings page: sessions, password policy, branding, public URL.
import type { FastifyInstance } from 'fastify';
import { GUARDED_ERRORS } from '../common-schemas.ts';
import { SettingsView } from './schemas.ts';
import type { SettingsService } from './service.ts';

export function getSettingsRoute(api: FastifyInstance, service: SettingsService): void {
  api.get(
    '/api/v1/settings',
    { config: { scope: 'settings:read' }, schema: { tags: ['settings'], summary: 'Show the settings', response: { 200: SettingsView, ...GUARDED_ERRORS } } },
    () => service.view(),
  );
}
