// POST /oidc/token/introspection (RFC 7662), served by Fastify rather than through oidc-provider's Koa stack.
// Why: measured on the 2-core benchmark machine (bench/RESULTS.md, 2026-11-28), Gatehouse answered 3,662
// introspections/s through oidc-provider's endpoint, under the 5,000/s target; this route answers about 5,500/s
// in the same conditions (one PostgreSQL statement per request either way: the cost was the Koa pipeline).
// What stays oidc-provider's: the tokens themselves. They are found through its models
// (AccessToken/ClientCredentials/RefreshToken.find: format, expiry, consumed refresh tokens, session binding),
// and the steps below mirror oidc-provider 9.13's lib/actions/introspection.js one for one.
import { parse as parseQueryString } from 'node:querystring';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ClientInstance, Provider, TokenInstance } from 'oidc-provider';
import { authenticateClient, OAuthError } from './client-auth.ts';
import { OIDC_ROUTES } from './provider.ts';

/** oidc-provider's limit for form bodies. */
const BODY_LIMIT = 56 * 1024;
const PARAMS = ['token', 'token_type_hint', 'client_id', 'client_secret', 'client_assertion', 'client_assertion_type'] as const;
const INTROSPECTABLE = new Set(['AccessToken', 'ClientCredentials', 'RefreshToken']);

export interface IntrospectionDeps {
  provider(): Provider;
  /** features.introspection.allowedPolicy of provider.ts: may this client learn about this token? */
  allowed(client: ClientInstance, token: TokenInstance): boolean;
}

export async function registerIntrospection(app: FastifyInstance, deps: IntrospectionDeps): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, body, done) => done(null, parseQueryString(body as string)));
    // Another content type carries no parameters: the token is then missing (invalid_request), as in oidc-provider.
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, {}));
    scope.post(OIDC_ROUTES.introspection, async (request, reply) => {
      try {
        const params = singleValued((request.body ?? {}) as Record<string, string | string[] | undefined>);
        const client = await authenticateClient(deps.provider(), request.headers.authorization, params);
        if (params.token === undefined) throw new OAuthError(400, 'invalid_request', "missing required parameter 'token'");
        if (looksLikeJwt(params.token)) throw new OAuthError(400, 'unsupported_token_type', 'Structured JWT Tokens cannot be introspected via the introspection_endpoint');
        return answer(reply, await introspect(deps, client, params.token, params.token_type_hint));
      } catch (error) {
        if (!(error instanceof OAuthError)) throw error;
        if (error.status === 401 && request.headers.authorization !== undefined) {
          reply.header('www-authenticate', `Basic realm="${deps.provider().issuer}", error="${error.error}", error_description="${error.description}"`);
        }
        return answer(reply.status(error.status), { error: error.error, error_description: error.description });
      }
    });
  });
}

async function introspect(deps: IntrospectionDeps, client: ClientInstance, value: string, hint: string | undefined): Promise<Record<string, unknown>> {
  const provider = deps.provider();
  const inactive = { active: false };
  const token = await findToken(provider, value, hint);
  if (!token?.isValid) return inactive;
  if (token.grantId) {
    const grant = await provider.Grant.find(token.grantId, { ignoreExpiration: true });
    if (!grant || (grant as unknown as { isExpired: boolean }).isExpired || grant.clientId !== token.clientId || grant.accountId !== token.accountId) return inactive;
  }
  if (!INTROSPECTABLE.has(token.kind)) return inactive;
  if (!deps.allowed(client, token)) return inactive;
  const senderConstrained = (token as TokenInstance & { isSenderConstrained(): boolean }).isSenderConstrained();
  const cnf: Record<string, unknown> | undefined = senderConstrained ? {} : undefined;
  if (cnf && token['x5t#S256']) cnf['x5t#S256'] = token['x5t#S256'];
  if (cnf && token.jkt) cnf.jkt = token.jkt;
  return {
    ...(token.extra as Record<string, unknown> | undefined),
    active: true,
    ...(token.accountId ? { sub: token.accountId } : {}),
    client_id: token.clientId,
    exp: token.exp,
    iat: token.iat,
    sid: token.sid,
    iss: provider.issuer,
    jti: token.jti !== value ? token.jti : undefined,
    aud: token.aud,
    scope: token.scope || undefined,
    cnf,
    token_type: token.kind !== 'RefreshToken' ? (token as TokenInstance & { tokenType: string }).tokenType : undefined,
  };
}

/** RFC 7662 §2.1: the hint says where to look first; the other kinds are searched too. */
async function findToken(provider: Provider, value: string, hint: string | undefined): Promise<TokenInstance | undefined> {
  const first = <T>(results: T[]) => results.find(Boolean);
  switch (hint) {
    case 'access_token':
    case 'urn:ietf:params:oauth:token-type:access_token':
      return first(await Promise.all([provider.AccessToken.find(value), provider.ClientCredentials.find(value)])) ?? provider.RefreshToken.find(value);
    case 'refresh_token':
    case 'urn:ietf:params:oauth:token-type:refresh_token':
      return (await provider.RefreshToken.find(value)) ?? first(await Promise.all([provider.AccessToken.find(value), provider.ClientCredentials.find(value)]));
    default:
      // Three finds in one tick: the adapter answers them with one statement (adapter.ts).
      return first(await Promise.all([provider.AccessToken.find(value), provider.ClientCredentials.find(value), provider.RefreshToken.find(value)]));
  }
}

function singleValued(body: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const params: Record<string, string | undefined> = {};
  const repeated: string[] = [];
  for (const name of PARAMS) {
    const value = body[name];
    if (Array.isArray(value)) repeated.push(name);
    else params[name] = value || undefined;
  }
  if (repeated.length > 0) throw new OAuthError(400, 'invalid_request', `${repeated.join(', ')} parameter${repeated.length > 1 ? 's' : ''} must not be provided twice`);
  return params;
}

/** A JWS compact serialization (what oidc-provider's rejectStructuredTokens refuses): a JSON header before the first dot. */
function looksLikeJwt(value: string): boolean {
  const parts = value.split('.');
  if (parts.length !== 3) return false;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as unknown;
    return typeof header === 'object' && header !== null && typeof (header as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}

function answer(reply: FastifyReply, body: Record<string, unknown>): FastifyReply {
  // RFC 7662 §2.2 and RFC 6749 §5.1: answers about tokens are never cached.
  return reply.header('cache-control', 'no-store').type('application/json; charset=utf-8').send(body);
}
