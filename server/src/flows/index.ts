// Placeholder until the login flows land (issue 3): no routes, no service.
import type { AppContext, Domain } from '../appliance/context.ts';
import type { IdentityService } from '../identity/index.ts';
import type { OidcService } from '../providers/oidc/index.ts';

export function createFlows(_ctx: AppContext, _deps: { identity: IdentityService; oidc: OidcService }): Domain<Record<string, never>> {
  return { name: 'flows', service: {}, async register() {} };
}
