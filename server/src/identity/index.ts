// Placeholder until the identity domain lands (issue 3): no routes, no service.
import type { AppContext, Domain } from '../appliance/context.ts';

export type IdentityService = Record<string, never>;

export function createIdentity(_ctx: AppContext): Domain<IdentityService> {
  return { name: 'identity', service: {}, async register() {} };
}
