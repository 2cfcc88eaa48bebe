// Ready configurations for common applications, built from the application's registration and the provider's own
// endpoint URLs (never typed by hand), so what the admin copies is what Gatehouse serves. The client secret is a
// placeholder: it is shown once, at creation or rotation (the UI may put it in then).
import type { ClientRecord, OidcEndpointUrls } from '../../providers/oidc/index.ts';
import { CLIENT_SECRET_PLACEHOLDER, type ConfigSnippet } from './schemas.ts';

/** What most applications ask for: who the user is, their email and their groups (docs/oidc.md, scopes). */
const SCOPES = ['openid', 'profile', 'email', 'groups'];

interface SnippetInput {
  app: ClientRecord;
  endpoints: OidcEndpointUrls;
}

export function snippetsFor(input: SnippetInput): ConfigSnippet[] {
  return [grafana(input), gitea(input), nextcloud(input), generic(input)];
}

/** A registered redirect URI that looks like this app's callback, else one at the launch URL's origin, else null. */
function redirectUriHint(app: ClientRecord, callbackPath: RegExp, pathAtOrigin: string): string | null {
  const registered = app.redirectUris.find((uri) => callbackPath.test(new URL(uri).pathname));
  if (registered) return registered;
  return app.launchUrl ? `${new URL(app.launchUrl).origin}${pathAtOrigin}` : null;
}

/** A word for a POSIX shell: as it is when it is plain, else in single quotes. */
function shellWord(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function grafana({ app, endpoints }: SnippetInput): ConfigSnippet {
  const postLogout = app.postLogoutRedirectUris[0];
  const lines = [
    '[auth.generic_oauth]',
    'enabled = true',
    'name = Gatehouse',
    'allow_sign_up = true',
    `client_id = ${app.clientId}`,
    ...(app.isPublic ? [] : [`client_secret = ${CLIENT_SECRET_PLACEHOLDER}`]),
    `scopes = ${SCOPES.join(' ')}`,
    `auth_url = ${endpoints.authorization}`,
    `token_url = ${endpoints.token}`,
    `api_url = ${endpoints.userinfo}`,
    'use_pkce = true',
    'login_attribute_path = preferred_username',
    'name_attribute_path = name',
    'email_attribute_path = email',
    '; Members of the Gatehouse group "grafana-admins" become Grafana admins; everyone else a viewer.',
    "role_attribute_path = contains(groups[*], 'grafana-admins') && 'Admin' || 'Viewer'",
    ...(postLogout
      ? [`signout_redirect_url = ${endpoints.endSession}?${new URLSearchParams({ client_id: app.clientId, post_logout_redirect_uri: postLogout }).toString()}`]
      : []),
  ];
  return {
    id: 'grafana',
    title: 'Grafana',
    where: 'grafana.ini, section [auth.generic_oauth] (then restart Grafana)',
    text: lines.join('\n'),
    redirectUriHint: redirectUriHint(app, /\/login\/generic_oauth$/, '/login/generic_oauth'),
  };
}

function gitea({ app, endpoints }: SnippetInput): ConfigSnippet {
  // Gitea's callback carries the authentication source's name: keep the one a registered URI already uses.
  const registered = app.redirectUris.map((uri) => /\/user\/oauth2\/([^/]+)\/callback$/.exec(new URL(uri).pathname)).find((match) => match !== null);
  const sourceName = registered ? decodeURIComponent(registered[1]!) : 'gatehouse';
  const lines = [
    `gitea admin auth add-oauth --name ${shellWord(sourceName)} --provider openidConnect`,
    `  --key ${shellWord(app.clientId)}${app.isPublic ? '' : ` --secret ${shellWord(CLIENT_SECRET_PLACEHOLDER)}`}`,
    `  --auto-discover-url ${shellWord(endpoints.discovery)}`,
    `  ${SCOPES.map((scope) => `--scopes ${scope}`).join(' ')}`,
    '  --group-claim-name groups --admin-group gitea-admins',
  ];
  return {
    id: 'gitea',
    title: 'Gitea / Forgejo',
    where: 'a shell on the Gitea server, as the user Gitea runs as (or Site administration → Authentication sources with the same values)',
    text: lines.join(' \\\n'),
    redirectUriHint: redirectUriHint(app, /\/user\/oauth2\/[^/]+\/callback$/, `/user/oauth2/${encodeURIComponent(sourceName)}/callback`),
  };
}

function nextcloud({ app, endpoints }: SnippetInput): ConfigSnippet {
  const lines = [
    'sudo -u www-data php occ user_oidc:provider Gatehouse',
    `  --clientid=${shellWord(app.clientId)}${app.isPublic ? '' : ` --clientsecret=${shellWord(CLIENT_SECRET_PLACEHOLDER)}`}`,
    `  --discoveryuri=${shellWord(endpoints.discovery)}`,
    `  --scope=${shellWord(SCOPES.join(' '))}`,
    '  --mapping-display-name=name --mapping-email=email --mapping-groups=groups --group-provisioning=1',
  ];
  return {
    id: 'nextcloud',
    title: 'Nextcloud',
    where: 'a shell in the Nextcloud folder, with the "OpenID Connect user backend" app (user_oidc) installed',
    text: lines.join(' \\\n'),
    redirectUriHint: redirectUriHint(app, /\/apps\/user_oidc\/code$/, '/apps/user_oidc/code'),
  };
}

function generic({ app, endpoints }: SnippetInput): ConfigSnippet {
  const row = (label: string, value: string) => `${(label ? `${label}:` : '').padEnd(24)}${value}`;
  const lines = [
    row('Issuer', endpoints.issuer),
    row('Discovery URL', endpoints.discovery),
    row('Client ID', app.clientId),
    app.isPublic
      ? row('Client secret', 'none: a public application (token endpoint authentication "none")')
      : row('Client secret', `${CLIENT_SECRET_PLACEHOLDER} (sent as client_secret_basic or client_secret_post)`),
    ...(app.redirectUris.length > 0 ? app.redirectUris.map((uri, index) => row(index === 0 ? 'Redirect URIs' : '', uri)) : [row('Redirect URIs', 'none registered yet')]),
    row('Scopes', `${SCOPES.join(' ')} (add offline_access, with prompt=consent, for a refresh token)`),
    row('PKCE', app.isPublic ? 'S256, required' : 'S256, recommended'),
    row('Authorization endpoint', endpoints.authorization),
    row('Token endpoint', endpoints.token),
    row('Userinfo endpoint', endpoints.userinfo),
    row('JWKS URI', endpoints.jwks),
    row('End session endpoint', endpoints.endSession),
  ];
  return {
    id: 'generic',
    title: 'Any other application',
    where: "the application's OpenID Connect (or OAuth 2) settings; most need only the discovery URL, client ID and secret",
    text: lines.join('\n'),
    redirectUriHint: null,
  };
}
