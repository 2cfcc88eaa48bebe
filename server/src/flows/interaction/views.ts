// How an interaction's parts look to the pages: the app, the user, and what consent would grant.
import type { UserRecord } from '../../identity/index.ts';
import type { ClientView, ScopeView, UserView } from '../schemas.ts';
import type { InteractionDetails } from '../../providers/oidc/index.ts';

/** What each scope lets an app do, in words for the person deciding. Scopes not listed show their name. */
const SCOPE_DESCRIPTIONS: Record<string, string> = {
  openid: 'Know who you are when you sign in',
  profile: 'See your name and username',
  email: 'See your email address',
  groups: 'See which groups you belong to',
  offline_access: 'Stay connected while you are away, until you revoke it',
};

export function clientView(client: InteractionDetails['client']): ClientView {
  const name = client.name?.trim() || client.clientId;
  // Only https logos: an http image would be mixed content on an https Gatehouse, and data: is refused by the CSP.
  return client.logoUri && /^https:\/\//i.test(client.logoUri) ? { name, logoUri: client.logoUri } : { name };
}

export function userView(user: UserRecord): UserView {
  return { username: user.username, displayName: user.displayName, email: user.email };
}

/** The scopes the consent prompt asks for (oidc-provider's missingOIDCScope), else those of the request. */
export function consentScopes(details: InteractionDetails): ScopeView[] {
  const missing = details.prompt.details.missingOIDCScope;
  const scopes = Array.isArray(missing) ? missing.map(String) : String(details.params.scope ?? '').split(' ').filter(Boolean);
  return [...new Set(scopes)].map((scope) => ({ scope, description: SCOPE_DESCRIPTIONS[scope] ?? `Use "${scope}"` }));
}

/** Individual claims asked for beyond the scopes (the claims parameter, OIDC Core 5.5). */
export function consentClaims(details: InteractionDetails): string[] {
  const missing = details.prompt.details.missingOIDCClaims;
  return Array.isArray(missing) ? missing.map(String).filter((claim) => !['sub', 'sid', 'auth_time', 'acr', 'amr', 'iss'].includes(claim)) : [];
}

/** OIDC Core 3.1.2.1 login_hint: a suggestion for the identification field, nothing more. */
export function loginHint(details: InteractionDetails): string | null {
  const hint = details.params.login_hint;
  return typeof hint === 'string' && hint.length > 0 && hint.length <= 254 ? hint : null;
}
