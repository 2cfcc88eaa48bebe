// What a client (application) may be registered with: its name, redirect URIs and grant types.
// Pure checks, run at registration, so that nothing the provider later compares against is unsafe.
import { OidcError } from './errors.ts';

export const GRANT_TYPES = {
  authorization_code: 'authorization_code',
  refresh_token: 'refresh_token',
  client_credentials: 'client_credentials',
  device_code: 'urn:ietf:params:oauth:grant-type:device_code',
} as const;

export type GrantType = (typeof GRANT_TYPES)[keyof typeof GRANT_TYPES];

const KNOWN_GRANT_TYPES = new Set<string>(Object.values(GRANT_TYPES));
/** Loopback hosts (RFC 8252 §7.3, §8.3), as URL.hostname spells them. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);
const URI_MAX_LENGTH = 2_000;
export const CLIENT_NAME_MAX_LENGTH = 100;

export interface RedirectUriOptions {
  /** http:// on a host other than loopback (a LAN app without TLS); off unless the admin enables it for the client. */
  allowHttp: boolean;
  /** The input field an error names, e.g. "redirectUris.2". */
  field?: string;
}

type Fail = (why: string) => never;

/** What every web address here must be: 1 to 2,000 characters, absolute, http(s), without credentials. */
function parseWebUrl(value: string, fail: Fail): URL {
  if (value.length === 0 || value.length > URI_MAX_LENGTH) fail(`must be 1 to ${URI_MAX_LENGTH} characters long.`);
  // Whitespace or control characters would be trimmed or escaped by a browser, and never compare equal.
  if (/[\s\u0000-\u001f\u007f]/u.test(value)) fail('must not contain spaces or control characters.');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail('is not an absolute URL.');
  }
  // javascript:, data:, file: and custom schemes could run code or reach the wrong program: only web URLs.
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail('must start with https:// or http://.');
  if (url.username || url.password) fail('must not contain a user name or password.');
  return url;
}

/**
 * A redirect URI (or post-logout redirect URI) as it will be compared: exactly, character for character
 * (RFC 9700 §4.1.3; OIDC Core 3.1.2.1), so it is stored as given, never normalized.
 */
export function checkRedirectUri(value: string, label: string, options: RedirectUriOptions): string {
  const fail: Fail = (why) => {
    throw new OidcError('invalid_redirect_uri', `The ${label} "${value}" ${why}`, options.field);
  };
  const url = parseWebUrl(value, fail);
  // RFC 6749 §3.1.2: the endpoint URI must not include a fragment.
  if (value.includes('#')) fail('must not contain a fragment (#…).');
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname) && !options.allowHttp) {
    // RFC 9700 §2.1 / RFC 6749 §10.5: codes must not travel in the clear; loopback (RFC 8252 §7.3) never leaves the machine.
    fail(`uses http:// on ${url.hostname}, which sends codes in the clear. Use https://, or allow http for this application (--allow-http).`);
  }
  return value;
}

/**
 * A web address of the application itself: where "My apps" sends users (launch URL: http:// allowed, LAN apps
 * often have no TLS) or its logo (https:// only: the pages' Content-Security-Policy loads images from https only).
 */
export function checkApplicationUrl(value: string, label: string, options: { httpsOnly: boolean; field: string }): string {
  const fail: Fail = (why) => {
    throw new OidcError('invalid_application_url', `The ${label} "${value}" ${why}`, options.field);
  };
  const url = parseWebUrl(value, fail);
  if (options.httpsOnly && url.protocol !== 'https:') fail('must start with https://.');
  return value;
}

export function checkClientName(value: string): string {
  const name = value.trim();
  if (name.length === 0 || name.length > CLIENT_NAME_MAX_LENGTH) {
    throw new OidcError('invalid_client_name', `An application name must be 1 to ${CLIENT_NAME_MAX_LENGTH} characters long.`);
  }
  if (/[\u0000-\u001f\u007f]/u.test(name)) throw new OidcError('invalid_client_name', 'An application name must not contain control characters.');
  return name;
}

export interface GrantTypeContext {
  isPublic: boolean;
  redirectUris: readonly string[];
}

/** The grant types, checked against each other and the kind of client. */
export function checkGrantTypes(grantTypes: readonly string[], context: GrantTypeContext): GrantType[] {
  const unique = [...new Set(grantTypes)];
  if (unique.length === 0) throw new OidcError('invalid_grant_types', 'An application needs at least one grant type.');
  for (const type of unique) {
    if (!KNOWN_GRANT_TYPES.has(type)) {
      throw new OidcError('invalid_grant_types', `Unknown grant type "${type}"; use ${[...KNOWN_GRANT_TYPES].join(', ')}.`);
    }
  }
  const has = (type: GrantType) => unique.includes(type);
  if (has(GRANT_TYPES.authorization_code) && context.redirectUris.length === 0) {
    throw new OidcError('invalid_grant_types', 'The authorization code grant needs at least one redirect URI.');
  }
  if (has(GRANT_TYPES.refresh_token) && !has(GRANT_TYPES.authorization_code) && !has(GRANT_TYPES.device_code)) {
    throw new OidcError('invalid_grant_types', 'Refresh tokens come from a user grant: add the authorization code or device code grant.');
  }
  // RFC 6749 §4.4: client credentials only for confidential clients.
  if (has(GRANT_TYPES.client_credentials) && context.isPublic) {
    throw new OidcError('invalid_grant_types', 'A public application has no secret, so it cannot use the client credentials grant.');
  }
  return unique as GrantType[];
}

/** Everything an application is registered with, as create and update check it (together, so they agree). */
export interface ClientSettings {
  name: string;
  isPublic: boolean;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  grantTypes: GrantType[];
  allowHttpRedirectUris: boolean;
  isResourceServer: boolean;
  /** Where "My apps" sends users to start using it; null: not shown there. */
  launchUrl: string | null;
  logoUri: string | null;
}

export type ClientSettingsInput = Omit<ClientSettings, 'grantTypes'> & { grantTypes: readonly string[] };

/**
 * The settings, checked and normalized (the name trimmed, repeated URIs once); an error names the field it concerns,
 * with the position of a URI in its list as the request gave it (redirectUris.2).
 */
export function checkClientSettings(input: ClientSettingsInput): ClientSettings {
  const name = checkClientName(input.name);
  const allowHttp = input.allowHttpRedirectUris;
  const uris = (values: readonly string[], label: string, field: string) =>
    unique(values.map((uri, index) => checkRedirectUri(uri, label, { allowHttp, field: `${field}.${index}` })));
  const redirectUris = uris(input.redirectUris, 'redirect URI', 'redirectUris');
  const postLogoutRedirectUris = uris(input.postLogoutRedirectUris, 'post-logout redirect URI', 'postLogoutRedirectUris');
  const grantTypes = checkGrantTypes(input.grantTypes, { isPublic: input.isPublic, redirectUris });
  if (input.isResourceServer && input.isPublic) {
    throw new OidcError('invalid_client_options', 'A public application cannot authenticate, so it cannot be a resource server that introspects tokens.', 'isResourceServer');
  }
  return {
    name,
    isPublic: input.isPublic,
    redirectUris,
    postLogoutRedirectUris,
    grantTypes,
    allowHttpRedirectUris: allowHttp,
    isResourceServer: input.isResourceServer,
    launchUrl: input.launchUrl === null ? null : checkApplicationUrl(input.launchUrl, 'launch URL', { httpsOnly: false, field: 'launchUrl' }),
    logoUri: input.logoUri === null ? null : checkApplicationUrl(input.logoUri, 'logo URI', { httpsOnly: true, field: 'logoUri' }),
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
