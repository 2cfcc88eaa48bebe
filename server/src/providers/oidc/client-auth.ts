// Client authentication at Gatehouse's own OAuth endpoints (introspection.ts), with the rules oidc-provider 9
// applies at its endpoints (lib/shared/client_auth.js): RFC 6749 §2.3.1 (client_secret_basic / _post, the
// Basic credentials form-urlencoded), §2.3 (one method only), and "none" for public clients.
import type { ClientInstance, Provider } from 'oidc-provider';

/** An OAuth error answer (RFC 6749 §5.2). */
export class OAuthError extends Error {
  constructor(
    readonly status: 400 | 401,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

/** RFC 6749 Appendix A.1/A.2: client_id and client_secret are visible ASCII. */
const VISIBLE_ASCII = /^[\x20-\x7e]*$/;

const invalidClient = () => new OAuthError(401, 'invalid_client', 'client authentication failed');

function decodeBasicPart(part: string): string {
  const decoded = decodeURIComponent(part.replace(/\+/g, '%20'));
  if (!VISIBLE_ASCII.test(decoded)) throw new Error('invalid character');
  return decoded;
}

/** The credentials of an Authorization: Basic header, or an invalid_request. */
function basicCredentials(header: string): { clientId: string; clientSecret: string } {
  const [scheme, value, ...rest] = header.split(' ');
  if (rest.length > 0 || scheme?.toLowerCase() !== 'basic' || !value || !/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 === 1) {
    throw new OAuthError(400, 'invalid_request', 'invalid authorization header value format');
  }
  const text = Buffer.from(value, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) throw new OAuthError(400, 'invalid_request', 'invalid authorization header value format');
  try {
    const credentials = { clientId: decodeBasicPart(text.slice(0, colon)), clientSecret: decodeBasicPart(text.slice(colon + 1)) };
    if (!credentials.clientSecret) throw new OAuthError(400, 'invalid_request', 'client_secret must be provided in the Authorization header');
    return credentials;
  } catch (error) {
    if (error instanceof OAuthError) throw error;
    throw new OAuthError(400, 'invalid_request', 'client_id and client_secret in the authorization header are not properly encoded');
  }
}

/**
 * The client making the request, authenticated; throws OAuthError.
 * `params` are the request's single-valued form parameters (duplicates already refused).
 */
export async function authenticateClient(provider: Provider, authorization: string | undefined, params: Record<string, string | undefined>): Promise<ClientInstance> {
  const mechanisms = [authorization, params.client_assertion, params.client_secret].filter((value) => value !== undefined);
  if (mechanisms.length > 1) throw new OAuthError(400, 'invalid_request', 'client authentication must only be provided using one mechanism');
  let clientId = params.client_id;
  let clientSecret: string | undefined;
  if (params.client_secret !== undefined) {
    clientSecret = params.client_secret;
  } else if (authorization !== undefined) {
    const basic = basicCredentials(authorization);
    if (clientId !== undefined && clientId !== basic.clientId) throw new OAuthError(400, 'invalid_request', 'client_id mismatch');
    clientId = basic.clientId;
    clientSecret = basic.clientSecret;
  } else if (params.client_assertion !== undefined) {
    // JWT client authentication is not offered (provider.ts: clientAuthMethods).
    throw invalidClient();
  }
  if (clientId === undefined) throw new OAuthError(400, 'invalid_request', 'no client authentication mechanism provided');
  const client = await provider.Client.find(clientId);
  if (!client) throw invalidClient();
  if (clientSecret === undefined) {
    if (client.clientAuthMethod !== 'none') throw invalidClient();
    return client;
  }
  if (client.clientAuthMethod !== 'client_secret_basic' && client.clientAuthMethod !== 'client_secret_post') throw invalidClient();
  const compare = (client as ClientInstance & { compareClientSecret(actual: string): boolean | Promise<boolean> }).compareClientSecret(clientSecret);
  if (!(await compare)) throw invalidClient();
  return client;
}
