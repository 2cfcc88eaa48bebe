// Who a subject is, for ID tokens and userinfo: Gatehouse users, their standard claims and groups.
import type { Account, KoaContextWithOIDC } from 'oidc-provider';
import type { IdentityService } from '../../identity/index.ts';

/** OIDC Core 5.4 scopes, plus groups; offline_access asks for a refresh token (OIDC Core 11). */
export const SCOPES = ['openid', 'profile', 'email', 'groups', 'offline_access'] as const;

/** Which claims each scope releases (OIDC Core 5.4); sub always. */
export const CLAIMS_BY_SCOPE = {
  openid: ['sub'],
  profile: ['name', 'preferred_username'],
  email: ['email', 'email_verified'],
  groups: ['groups'],
} as const;

/**
 * oidc-provider's findAccount: the account of a subject, or undefined for an unknown or disabled user,
 * which makes the provider refuse userinfo, refresh and code exchange for that user.
 * `sub` is the user's id (a UUID): stable across renames (OIDC Core 5.7).
 */
export function accountFinder(identity: Pick<IdentityService, 'claimsFor'>) {
  return async function findAccount(_ctx: KoaContextWithOIDC, sub: string): Promise<Account | undefined> {
    const claims = await identity.claimsFor(sub);
    if (!claims) return undefined;
    // oidc-provider keeps only the claims the granted scopes (and the claims parameter) allow.
    return { accountId: sub, claims: () => ({ ...claims }) };
  };
}
