// Which Gatehouse session (the sign-in users and admins see and revoke) each code and token belongs to, so that
// ending that session ends what applications received through it (migration 20261128150200 deletes them).
// - A code (authorization code, approved device code) is issued in the browser's request: it belongs to the
//   browser's Gatehouse session, when that session is the signed-in user's (the login prompt has just read it:
//   gatehouseSessionCheck, so this costs no statement).
// - Tokens are issued for a code or a refresh token that the same request redeemed: they inherit its session
//   (consume returns it: PayloadStore), so a refreshed token stays with the sign-in it came from.
// Everything else (grants, provider sessions, interactions, client-credentials tokens) belongs to no session.
import type { AdapterPayload, KoaContextWithOIDC } from 'oidc-provider';
import type { IdentityService } from '../../identity/index.ts';
import { currentSessionOf } from './session-link.ts';

export interface SessionBinding {
  /** The Gatehouse session a payload being saved belongs to; null when it belongs to none. */
  sessionOf(model: string, payload: AdapterPayload): Promise<string | null>;
  /** This request redeemed a code or refresh token of that session: the tokens it issues next belong to it too. */
  redeemed(sessionId: string | null): void;
}

/** Models issued to a user in the browser, where the Gatehouse session cookie is. */
const ISSUED_IN_BROWSER = new Set(['AuthorizationCode', 'DeviceCode']);
/** Models issued at the token endpoint for a redeemed code or refresh token. */
const ISSUED_FOR_REDEEMED = new Set(['AccessToken', 'RefreshToken']);

export interface RequestSessionBindingDeps {
  /** oidc-provider's context of the request being served (its own AsyncLocalStorage: Provider.ctx). */
  currentContext(): KoaContextWithOIDC | undefined;
  identity: Pick<IdentityService, 'sessionCookie'>;
}

export function requestSessionBinding(deps: RequestSessionBindingDeps): SessionBinding {
  const redeemedIn = new WeakMap<KoaContextWithOIDC, string | null>();
  return {
    async sessionOf(model, payload) {
      const ctx = deps.currentContext();
      if (!ctx) return null;
      if (ISSUED_FOR_REDEEMED.has(model)) return redeemedIn.get(ctx) ?? null;
      if (!ISSUED_IN_BROWSER.has(model) || typeof payload.accountId !== 'string') return null;
      const current = await currentSessionOf(deps.identity, ctx);
      return current?.user.id === payload.accountId ? current.session.id : null;
    },
    redeemed(sessionId) {
      const ctx = deps.currentContext();
      if (ctx) redeemedIn.set(ctx, sessionId);
    },
  };
}
