// Who a subject is, for ID tokens and userinfo: Gatehouse users, their standard claims and groups.
import type { Account, KoaContextWithOIDC } from 'oidc-provider';
import { claimsOf, type IdentityService } from '../../identity/index.ts';
import { currentSessionOf } from './session-link.ts';

/** OIDC Core 5.4 scopes, plus groups; offline_access asks for a refresh token (OIDC Core 11). */
export const SCOPES = ['openid', 'profile', 'email', 'groups', 'offline_access'] as const;

/** Which claims each scope releases (OIDC Core 5.4); sub always. */
export const CLAIMS_BY_SCOPE = {
  openid: ['sub'],
  profile: ['name', 'preferred_username'],
  email: ['email', 'email_verified'],
  groups: ['groups'],
} as const;

/** The routes whose login prompt authenticates the browser's Gatehouse session anyway (gatehouseSessionCheck). */
const SESSION_CHECKED_ROUTES = new Set(['authorization', 'resume', 'code_verification', 'device_resume']);

/**
 * oidc-provider's findAccount: the account of a subject, or undefined for an unknown or disabled user,
 * which makes the provider refuse userinfo, refresh and code exchange for that user.
 * `sub` is the user's id (a UUID): stable across renames (OIDC Core 5.7).
 * Where the login prompt is about to read the browser's Gatehouse session (user and groups, active users only),
 * a session of this very user gives the claims, and the user is not read a second time.
 */
export function accountFinder(identity: Pick<IdentityService, 'claimsFor' | 'sessionCookie'>) {
  return async function findAccount(ctx: KoaContextWithOIDC, sub: string): Promise<Account | undefined> {
    const current = SESSION_CHECKED_ROUTES.has(ctx.oidc.route) ? await currentSessionOf(identity, ctx) : null;
    const claims = current?.user.id === sub ? claimsOf(current.user, current.groups) : await identity.claimsFor(sub);
    if (!claims) return undefined;
    // oidc-provider keeps only the claims the granted scopes (and the claims parameter) allow.
    return { accountId: sub, claims: () => ({ ...claims }) };
  };
}
