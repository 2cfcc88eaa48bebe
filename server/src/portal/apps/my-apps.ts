// GET /api/v1/me/apps — the "My apps" launcher: enabled applications with a launch URL, in name order.
import type { FastifyInstance } from 'fastify';
import { GUARDED_ERRORS } from '../../admin/common-schemas.ts';
import type { OidcService } from '../../providers/oidc/index.ts';
import { MyApps } from '../schemas.ts';

export function myAppsRoute(api: FastifyInstance, oidc: OidcService): void {
  api.get(
    '/api/v1/me/apps',
    { schema: { tags: ['portal'], summary: 'My apps: the applications to launch', response: { 200: MyApps, ...GUARDED_ERRORS } } },
    async (): Promise<MyApps> => {
      const apps = await oidc.launchableClients();
      return { items: apps.map((app) => ({ id: app.clientId, name: app.name, launchUrl: app.launchUrl, logoUri: app.logoUri })) };
    },
  );
}
