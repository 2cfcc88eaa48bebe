// GET /api/v1/me/consents — the applications the signed-in user allowed, with the scopes and when.
import type { FastifyInstance } from 'fastify';
import { GUARDED_ERRORS } from '../../admin/common-schemas.ts';
import type { OidcService } from '../../providers/oidc/index.ts';
import { MyConsents } from '../schemas.ts';

export function myConsentsRoute(api: FastifyInstance, oidc: OidcService): void {
  api.get(
    '/api/v1/me/consents',
    { schema: { tags: ['portal'], summary: 'The applications I consented to', response: { 200: MyConsents, ...GUARDED_ERRORS } } },
    async (request): Promise<MyConsents> => {
      const grants = await oidc.consentsOf(request.userSession!.user.id);
      const items = grants.map((grant) => ({
        applicationId: grant.clientId,
        applicationName: grant.clientName,
        scopes: grant.scopes,
        grantedAt: grant.grantedAt?.toISOString() ?? null,
      }));
      return { items: items.sort((a, b) => a.applicationName.localeCompare(b.applicationName)) };
    },
  );
}
