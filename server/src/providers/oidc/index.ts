// Placeholder until the OIDC provider lands (issue 3): no routes, no service.
import type { AppContext, Domain } from '../../appliance/context.ts';
import type { IdentityService } from '../../identity/index.ts';

export type OidcService = Record<string, never>;

export async function createOidc(_ctx: AppContext, _deps: { identity: IdentityService }): Promise<Domain<OidcService>> {
  return { name: 'oidc', service: {}, async register() {} };
}
