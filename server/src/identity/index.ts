// The identity domain: users, groups, passwords and sessions. No HTTP routes of its own yet:
// the login flow and the OIDC provider use its service; the admin API will come with a later issue.
import type { AppContext, Domain } from '../appliance/context.ts';
import { registerExpiringTable } from '../platform/cleanup.ts';
import { createIdentityService, type IdentityService } from './service.ts';
export { claimsOf } from './service.ts';

export type { AuthenticatedSession, IdentityService, OidcClaims, SessionRecord, UserRecord } from './service.ts';
export type { SessionCookie } from './session-cookie.ts';
export { IdentityError, type IdentityErrorCode } from './errors.ts';

// Expired sessions (either expiry: idle_expires_at never passes expires_at) go in the platform's cleanup job,
// through index sessions_idle_expires_at.
registerExpiringTable({ table: 'sessions', expiryCondition: 'idle_expires_at < now()', batchSize: 2_000 });

export function createIdentity(ctx: AppContext): Domain<IdentityService> {
  const service = createIdentityService({ pool: ctx.platform.pool, publicUrl: ctx.publicUrl, logger: ctx.logger.child({ component: 'identity' }) });
  return { name: 'identity', service, async register() {} };
}
