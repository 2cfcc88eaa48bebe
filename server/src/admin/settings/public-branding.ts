// GET /api/flow/branding — the instance's name and logo URL, for the sign-in pages (no sign-in needed).
import type { FastifyInstance } from 'fastify';
import { ErrorAnswer } from '../common-schemas.ts';
import { Branding } from './schemas.ts';
import type { SettingsService } from './service.ts';

export function brandingRoute(app: FastifyInstance, service: SettingsService): void {
  app.get('/api/flow/branding', { schema: { tags: ['flow'], summary: 'Show the instance name and logo URL (public)', response: { 200: Branding, 500: ErrorAnswer } } }, () => service.branding());
}
