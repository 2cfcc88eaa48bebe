// The branding routes anyone may call, registered outside the admin guard: the sign-in pages show the instance's
// name and logo before anybody has signed in.
import type { FastifyInstance } from 'fastify';
import type { AdminDeps } from '../deps.ts';
import { settingsServiceOf } from './service.ts';
import { brandingRoute } from './public-branding.ts';
import { logoRoute } from './public-logo.ts';

export async function registerBrandingRoutes(app: FastifyInstance, deps: AdminDeps): Promise<void> {
  const service = settingsServiceOf(deps);
  await app.register(async (open) => {
    brandingRoute(open, service);
    logoRoute(open, service);
  });
}
