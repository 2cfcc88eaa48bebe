// oidc-provider's configuration: what Gatehouse's provider does and refuses. Everything not set here is
// oidc-provider's default; every default that would log "you SHOULD change it" is set.
import type { JWK } from 'jose';
import type { Logger } from 'pino';
import type { Adapter, ClientInstance, KoaContextWithOIDC, Provider, TokenInstance } from 'oidc-provider';
import type { IdentityService } from '../../identity/index.ts';
import { INTERACTION_API, INTERACTION_PAGE } from '../../flows/interaction/paths.ts';
import type { OidcProviderModule } from './load.ts';
import type { PayloadStore } from './adapter.ts';
import { secretMatches, type ClientRegistry } from './clients.ts';
import { accountFinder, CLAIMS_BY_SCOPE, SCOPES } from './claims.ts';
import { endGatehouseSessionOnLogout, gatehouseSessionCheck } from './session-link.ts';
import * as pages from './pages.ts';
import type { OidcEndpointUrls } from './service.ts';

/** Where each endpoint lives; discovery stays at <issuer>/.well-known/openid-configuration. */
export const OIDC_ROUTES = {
  authorization: '/oidc/auth',
  token: '/oidc/token',
  userinfo: '/oidc/me',
  jwks: '/oidc/jwks',
  introspection: '/oidc/token/introspection',
  revocation: '/oidc/token/revocation',
  device_authorization: '/oidc/device/auth',
  code_verification: '/oidc/device',
  end_session: '/oidc/session/end',
  pushed_authorization_request: '/oidc/request',
} as const;

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Lifetimes, in seconds. ID tokens live an hour: retired signing keys stay published longer than that (keys.ts). */
export const TOKEN_TTL = {
  AccessToken: HOUR,
  // RFC 6749 §4.1.2: short-lived, ten minutes at most.
  AuthorizationCode: MINUTE,
  ClientCredentials: HOUR,
  DeviceCode: 10 * MINUTE,
  IdToken: HOUR,
  Interaction: HOUR,
  RefreshToken: 30 * DAY,
  Session: 14 * DAY,
  // Remembered consent: a year, or until revoked.
  Grant: 365 * DAY,
} as const;

/**
 * The URLs applications are configured with, as the discovery document gives them: oidc-provider builds each from
 * its route table and the issuer (Provider#urlFor), and discovery itself sits at the issuer's well-known path
 * (OpenID Connect Discovery 1.0 §4).
 */
export function endpointsOf(provider: Provider): OidcEndpointUrls {
  return {
    issuer: provider.issuer,
    discovery: `${provider.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
    authorization: provider.urlFor('authorization'),
    token: provider.urlFor('token'),
    userinfo: provider.urlFor('userinfo'),
    jwks: provider.urlFor('jwks'),
    endSession: provider.urlFor('end_session'),
    introspection: provider.urlFor('introspection'),
    revocation: provider.urlFor('revocation'),
  };
}

export const COOKIE_NAMES = { session: 'gatehouse_oidc_session', interaction: 'gatehouse_oidc_interaction', resume: 'gatehouse_oidc_resume' } as const;

/**
 * RFC 7662 §2.1/§4: a token is described only to the client it was issued to, or to a client registered as a
 * resource server. Used by oidc-provider's configuration and by Gatehouse's introspection endpoint (introspection.ts).
 */
export function introspectionAllowed(client: ClientInstance, token: TokenInstance): boolean {
  // Extra metadata keeps its snake_case name on oidc-provider's Client.
  return token.clientId === client.clientId || client['gatehouse_resource_server'] === true;
}

export interface ProviderOptions {
  oidc: OidcProviderModule;
  issuer: string;
  jwks: { keys: JWK[] };
  store: PayloadStore;
  clients: ClientRegistry;
  identity: IdentityService;
  logger: Logger;
}

export function buildProvider(options: ProviderOptions): Provider {
  const { oidc, store, clients, identity, logger } = options;
  const clientAdapter = { find: (id: string) => clients.providerMetadata(id) } as unknown as Adapter;

  const policy = oidc.interactionPolicy.base();
  policy.get('login')!.checks.add(gatehouseSessionCheck(oidc.interactionPolicy.Check, identity));

  const provider = new oidc.Provider(options.issuer, {
    adapter: (name: string) => (name === 'Client' ? clientAdapter : store.adapterFor(name)),
    jwks: options.jwks,
    findAccount: accountFinder(identity),
    scopes: [...SCOPES],
    claims: Object.fromEntries(Object.entries(CLAIMS_BY_SCOPE).map(([scope, claims]) => [scope, [...claims]])),
    // Claims of the granted scopes go in the ID token too, not only in userinfo: many LAN applications read name,
    // email and groups from the ID token alone (OIDC Core 2: an ID token MAY contain other claims; 5.4 prefers userinfo).
    conformIdTokenClaims: false,
    // Authorization code only: RFC 9700 §2.1.2 (no implicit grant, no tokens in the front channel).
    responseTypes: ['code'],
    // Methods that carry the secret itself (compared with its hash, clients.ts); no HMAC-based ones, which need the plaintext.
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    clientBasedCORS: (_ctx: KoaContextWithOIDC, origin: string, client: ClientInstance) => client.redirectUris.some((uri) => new URL(uri).origin === origin),
    extraClientMetadata: { properties: ['gatehouse_resource_server'] },
    // OIDC Core 3.1.2.1: redirect_uri is required, even when the client registered only one.
    allowOmittingSingleRegisteredRedirectUri: false,
    // PKCE (RFC 7636), S256 only: required for public clients (RFC 9700 §2.1.1), used by any client that sends a
    // challenge. oidc-provider refuses the rest itself, tested in test/interop/oidc-code-flow.test.ts:
    // - code_challenge_method other than S256 (a "plain" downgrade): invalid_request at the authorization endpoint;
    // - a code_verifier at the token endpoint for a code issued without a challenge (RFC 9700 §4.8.2, the PKCE
    //   downgrade), and a missing or wrong verifier for a code issued with one (RFC 7636 §4.6): invalid_grant.
    pkce: { required: (_ctx: KoaContextWithOIDC, client: ClientInstance) => client.clientAuthMethod === 'none' },
    // RFC 9700 §4.14.2: every refresh rotates the refresh token; presenting a used one revokes the whole grant.
    rotateRefreshToken: () => true,
    issueRefreshToken: async (_ctx: KoaContextWithOIDC, client: ClientInstance, code: { scopes: Set<string> }) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    // Consent is remembered per user and client (a grant), beyond one provider session.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const clientId = ctx.oidc.client!.clientId;
      const accountId = ctx.oidc.session.accountId;
      const grantId =
        ctx.oidc.result?.consent?.grantId ??
        (ctx.oidc.session as unknown as { grantIdFor(clientId: string): string | undefined }).grantIdFor(clientId) ??
        (accountId ? await store.grantIdOf(accountId, clientId) : undefined);
      return grantId ? provider.Grant.find(grantId) : undefined;
    },
    cookies: {
      names: COOKIE_NAMES,
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    routes: OIDC_ROUTES,
    interactions: {
      policy,
      url: (ctx: KoaContextWithOIDC, interaction: { uid: string }) => {
        // oidc-provider binds the interaction to this browser with a cookie scoped to the page's path; the flow
        // API behind the page lives elsewhere, so it gets the same cookie for its own path.
        ctx.cookies.set(COOKIE_NAMES.interaction, interaction.uid, { path: `${INTERACTION_API}/${interaction.uid}`, httpOnly: true, sameSite: 'lax', maxAge: TOKEN_TTL.Interaction * 1000 });
        return `${INTERACTION_PAGE}/${interaction.uid}`;
      },
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      deviceFlow: {
        enabled: true,
        deviceInfo: (ctx: KoaContextWithOIDC & { ip: string; get(header: string): string }) => ({ ip: ctx.ip, ua: ctx.get('user-agent') }),
        userCodeInputSource: pages.userCodeInputSource,
        userCodeConfirmSource: pages.userCodeConfirmSource,
        successSource: pages.deviceSuccessSource,
      },
      // Discovery names the endpoint; Gatehouse's own route answers it (introspection.ts).
      introspection: { enabled: true, allowedPolicy: async (_ctx: KoaContextWithOIDC, client: ClientInstance, token: TokenInstance) => introspectionAllowed(client, token) },
      revocation: {
        enabled: true,
        // RFC 7009 §2.1: a client may revoke only its own tokens; another client's request is refused with an error,
        // except for a public client, which could not prove who it is: it learns nothing (RFC 7009 §2.2).
        allowedPolicy: async (_ctx: KoaContextWithOIDC, client: ClientInstance, token: TokenInstance) => {
          if (token.clientId === client.clientId) return true;
          if (client.clientAuthMethod === 'none') return false;
          throw new oidc.errors.InvalidRequest('this token was not issued to this client');
        },
      },
      rpInitiatedLogout: { enabled: true, logoutSource: pages.logoutSource, postLogoutSuccessSource: pages.postLogoutSuccessSource },
      userinfo: { enabled: true },
      // No API resources registered yet: access tokens are for userinfo (and introspection by resource servers).
      resourceIndicators: { enabled: false },
    },
    ttl: { ...TOKEN_TTL },
    renderError: pages.renderError,
  });

  // An https issuer sits behind a TLS-terminating proxy: trust its X-Forwarded-Proto, so cookies are Secure.
  provider.proxy = options.issuer.startsWith('https:');
  // Client secrets are stored hashed (clients.ts); the provider's client authentication asks this method.
  provider.Client.prototype.compareClientSecret = function compareClientSecret(this: ClientInstance, actual: string) {
    return secretMatches(this['clientSecret'], actual);
  };
  provider.use(endGatehouseSessionOnLogout(identity, logger));
  provider.on('server_error', (ctx: KoaContextWithOIDC, error: Error) => logger.error({ err: error, route: ctx.oidc?.route }, 'the OIDC provider failed a request'));
  // Koa's own error event (a failure outside oidc-provider's handlers); without a listener Koa writes to stderr.
  provider.on('error', (error: Error) => logger.error({ err: error }, 'the OIDC provider failed a request'));
  return provider;
}
