// DELETE /api/v1/settings/branding/logo — back to no logo (the sign-in pages show the name alone).
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../guard.ts';
import { GUARDED_ERRORS } from '../common-schemas.ts';
import { Branding } from './schemas.ts';
import type { SettingsService } from './service.ts';

export function deleteLogoRoute(api: FastifyInstance, service: SettingsService): void {
  api.delete(
    '/api/v1/settings/branding/logo',
    { config: { scope: 'settings:write' }, schema: { tags: ['settings'], summary: 'Remove the logo', response: { 200: Branding, ...GUARDED_ERRORS } } },
    (request) => service.deleteLogo(actorOf(request)),
  );
}
