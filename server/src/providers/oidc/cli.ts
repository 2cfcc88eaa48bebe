// Command-line verbs of the OIDC provider: app add-oidc.
// They work on the data dir's database whether or not the server runs (openCliDatabase); a running server sees
// a new application at its next request (the client registry caches only clients it has found). Each change is
// recorded in the event log with the actor "cli", like the admin API's, so open control UIs show it live.
import { ApplianceError, UsageError } from '../../appliance/errors.ts';
import { withCliDatabase } from '../../appliance/cli-database.ts';
import { commonOptions, DATA_OPTION_HELP, type Verb, type VerbValues } from '../../appliance/verb.ts';
import { OidcError, OIDC_ERRORS } from './errors.ts';
import { ClientRegistry, type NewClientInput } from './clients.ts';
import { GRANT_TYPES, checkClientName, checkClientSettings } from './client-rules.ts';

/** Who the event log names for a change made here. */
const CLI_ACTOR = { actor: 'cli' } as const;

/** The short names the CLI accepts for grant types. */
const GRANT_TYPE_NAMES: Record<string, string> = {
  authorization_code: GRANT_TYPES.authorization_code,
  refresh_token: GRANT_TYPES.refresh_token,
  client_credentials: GRANT_TYPES.client_credentials,
  device_code: GRANT_TYPES.device_code,
};

function strings(values: VerbValues, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}

/** The application described by the arguments, checked before the database is opened: a mistake exits 2 at once. */
export function clientInputFromArguments(values: VerbValues, positionals: string[]): NewClientInput {
  if (positionals.length !== 1) {
    throw new UsageError('usage', positionals.length === 0 ? 'missing NAME: the application\'s name, e.g. "Grafana".' : `expected one NAME, got ${positionals.length} arguments (quote a name with spaces).`);
  }
  const given = strings(values, 'grant-type');
  for (const type of given) {
    if (!GRANT_TYPE_NAMES[type]) throw new UsageError('usage', `unknown grant type "${type}"; use ${Object.keys(GRANT_TYPE_NAMES).join(', ')}.`);
  }
  const redirectUris = strings(values, 'redirect-uri');
  if (given.length === 0 && redirectUris.length === 0) {
    checkClientName(positionals[0]!);
    throw new UsageError('usage', 'missing --redirect-uri URI: where the application receives the sign-in (see its documentation), or --grant-type client_credentials for a service without users.');
  }
  // The rules of the registry (and of the admin API), checked here before the database is opened.
  const settings = checkClientSettings({
    name: positionals[0]!,
    isPublic: values.public === true,
    redirectUris,
    postLogoutRedirectUris: strings(values, 'post-logout-redirect-uri'),
    grantTypes: given.length > 0 ? given.map((type) => GRANT_TYPE_NAMES[type]!) : [GRANT_TYPES.authorization_code, GRANT_TYPES.refresh_token],
    allowHttpRedirectUris: values['allow-http'] === true,
    isResourceServer: values['resource-server'] === true,
    launchUrl: (values['launch-url'] as string | undefined) ?? null,
    logoUri: (values['logo-uri'] as string | undefined) ?? null,
  });
  const { launchUrl, logoUri, ...rest } = settings;
  return { ...rest, ...(launchUrl === null ? {} : { launchUrl }), ...(logoUri === null ? {} : { logoUri }) };
}

/** Bad input exits 2 (UsageError); a name taken exits 1. */
function asCliError(error: unknown): unknown {
  if (!(error instanceof OidcError)) return error;
  return OIDC_ERRORS[error.code] === 400 ? new UsageError(error.code, error.message) : new ApplianceError(error.code, error.message);
}

const appAddOidc: Verb = {
  summary: 'register an application that signs users in with OpenID Connect (or OAuth 2)',
  usage: 'gatehouse app add-oidc NAME --redirect-uri URI [--redirect-uri URI…] [--post-logout-redirect-uri URI…] [--public] [--json] [options]',
  options: {
    ...commonOptions,
    'redirect-uri': { type: 'string', multiple: true },
    'post-logout-redirect-uri': { type: 'string', multiple: true },
    public: { type: 'boolean' },
    'grant-type': { type: 'string', multiple: true },
    'allow-http': { type: 'boolean' },
    'resource-server': { type: 'boolean' },
    'launch-url': { type: 'string' },
    'logo-uri': { type: 'string' },
    json: { type: 'boolean' },
  },
  help: `NAME is how users see the application, e.g. "Grafana" (1 to 100 characters).

Options:
  --redirect-uri URI      where the application receives the sign-in, compared exactly;
                          repeat for several (https://, or http:// on 127.0.0.1/[::1]/localhost)
  --post-logout-redirect-uri URI
                          where the application may send users after signing out (repeatable)
  --public                an application that cannot keep a secret (single-page app, mobile or
                          desktop app, CLI): no secret, PKCE required
  --grant-type TYPE       authorization_code, refresh_token, client_credentials or device_code;
                          repeatable (default: authorization_code and refresh_token)
  --allow-http            allow http:// redirect URIs on other hosts than loopback (sign-ins then
                          cross the network unencrypted)
  --resource-server       may introspect tokens issued to other applications (an API)
  --launch-url URL        the application's home page: "My apps" in the user portal links to it
  --logo-uri URI          an https:// image shown on the sign-in and consent pages
  --json                  print {"client_id", "client_secret", "issuer"} (no client_secret for --public)
${DATA_OPTION_HELP}
  -h, --help              show this help

Prints the client id and, for a confidential application, its secret: the secret is shown this once
and stored only as a hash, so copy it into the application now.`,
  async run(values, positionals) {
    try {
      const input = clientInputFromArguments(values, positionals);
      const { client, clientSecret, issuer } = await withCliDatabase(values, async (db) => {
        const created = await new ClientRegistry({ pool: db.pool }).create(input, CLI_ACTOR);
        return { ...created, issuer: db.publicUrl };
      });
      if (values.json) {
        process.stdout.write(JSON.stringify({ client_id: client.clientId, ...(clientSecret === null ? {} : { client_secret: clientSecret }), issuer }) + '\n');
        return;
      }
      process.stdout.write(
        [
          `Added application ${client.name}${client.isPublic ? ' (public: no secret, PKCE required)' : ''}.`,
          `  client_id:      ${client.clientId}`,
          ...(clientSecret === null ? [] : [`  client_secret:  ${clientSecret}`, '                  (shown only now: copy it into the application)']),
          `  issuer:         ${issuer}`,
          `  discovery:      ${issuer}/.well-known/openid-configuration`,
          '',
        ].join('\n'),
      );
    } catch (error) {
      throw asCliError(error);
    }
  },
};

export const oidcVerbs: Record<string, Verb> = {
  'app add-oidc': appAddOidc,
};
