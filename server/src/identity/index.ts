// The identity domain: users, groups, passwords, sessions, reset links, and its policy settings (session lifetimes,
// password rules). No HTTP routes of its own: the login flows, the admin API and the OIDC provider use its service.
import type { AppContext, Domain } from '../appliance/context.ts';
import { registerExpiringTable } from '../platform/cleanup.ts';
import { IdentityPolicy } from './policy.ts';
import { createIdentityService, type IdentityService } from './service.ts';
export { claimsOf, PASSWORD_RESET_TTL_SECONDS } from './service.ts';

export type {
  AuthenticatedSession,
  GroupRecord,
  GroupRef,
  IdentityService,
  IdentityTransaction,
  OidcClaims,
  PasswordCheck,
  RevokedSession,
  SessionRecord,
  UserChanges,
  UserRecord,
} from './service.ts';
export type { SessionCookie } from './session-cookie.ts';
export { IdentityError, type IdentityErrorCode } from './errors.ts';

// Expired sessions (either expiry: idle_expires_at never passes expires_at) go in the platform's cleanup job,
// through index sessions_idle_expires_at.
registerExpiringTable({ table: 'sessions', expiryCondition: 'idle_expires_at < now()', batchSize: 2_000 });

export function createIdentity(ctx: AppContext): Domain<IdentityService> {
  const { pool, bus } = ctx.platform;
  const policy = new IdentityPolicy(pool, bus);
  const service = createIdentityService({ pool, publicUrl: ctx.publicUrl, logger: ctx.logger.child({ component: 'identity' }), policy });
  return {
    name: 'identity',
    service,
    async register() {},
    async start() {
      policy.start();
    },
    async stop() {
      policy.stop();
    },
  };
}
