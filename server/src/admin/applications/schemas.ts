// The applications API's contract (/api/v1/applications). OIDC applications now; `type` leaves room for SAML, LDAP
// and proxy (forward auth) applications, which later issues add as further members of the unions below.
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Page, PageQuery, SearchQuery, Timestamp } from '../common-schemas.ts';

/** An application's id is its OIDC client_id. */
export const ApplicationId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{2,63}$' });
export const ApplicationParams = Type.Object({ id: ApplicationId }, { additionalProperties: false });
export type ApplicationParams = Static<typeof ApplicationParams>;

export const GrantType = Type.Union([
  Type.Literal('authorization_code'),
  Type.Literal('refresh_token'),
  Type.Literal('client_credentials'),
  Type.Literal('urn:ietf:params:oauth:grant-type:device_code'),
]);

export const ApplicationSummary = Type.Object({
  id: ApplicationId,
  type: Type.Literal('oidc'),
  name: Type.String(),
  isEnabled: Type.Boolean(),
  isPublic: Type.Boolean(),
  launchUrl: Nullable(Type.String()),
  logoUri: Nullable(Type.String()),
  createdAt: Timestamp,
});
export type ApplicationSummary = Static<typeof ApplicationSummary>;

/** The URLs an application is configured with (OIDC Discovery 1.0 §3 names, as the app's settings ask for them). */
export const OidcEndpoints = Type.Object({
  issuer: Type.String(),
  discovery: Type.String(),
  authorization: Type.String(),
  token: Type.String(),
  userinfo: Type.String(),
  jwks: Type.String(),
  endSession: Type.String(),
  introspection: Type.String(),
  revocation: Type.String(),
});
export type OidcEndpoints = Static<typeof OidcEndpoints>;

/** Stands for the client secret in snippets (the secret is shown once: the UI may put it in while it has it). */
export const CLIENT_SECRET_PLACEHOLDER = '<client secret>';

/** A ready configuration for a common app; the secret appears as a placeholder (it is shown once, at creation). */
export const ConfigSnippet = Type.Object({
  id: Type.Union([Type.Literal('grafana'), Type.Literal('gitea'), Type.Literal('nextcloud'), Type.Literal('generic')]),
  title: Type.String(),
  /** Where it goes, e.g. "grafana.ini, section [auth.generic_oauth]". */
  where: Type.String(),
  text: Type.String(),
  /** The redirect URI this app uses, to add to the application if it is missing. */
  redirectUriHint: Nullable(Type.String()),
});
export type ConfigSnippet = Static<typeof ConfigSnippet>;

export const ApplicationDetail = Type.Composite([
  ApplicationSummary,
  Type.Object({
    redirectUris: Type.Array(Type.String()),
    postLogoutRedirectUris: Type.Array(Type.String()),
    grantTypes: Type.Array(GrantType),
    allowHttpRedirectUris: Type.Boolean(),
    isResourceServer: Type.Boolean(),
    updatedAt: Timestamp,
    endpoints: OidcEndpoints,
    snippets: Type.Array(ConfigSnippet),
  }),
]);
export type ApplicationDetail = Static<typeof ApplicationDetail>;

export const ListApplicationsQuery = Type.Object({ search: SearchQuery, ...PageQuery }, { additionalProperties: false });
export type ListApplicationsQuery = Static<typeof ListApplicationsQuery>;

export const ApplicationPage = Page(ApplicationSummary);
export type ApplicationPage = Static<typeof ApplicationPage>;

const Uri = Type.String({ minLength: 1, maxLength: 2000 });
const UriList = Type.Array(Uri, { maxItems: 50 });

export const CreateApplicationBody = Type.Object(
  {
    type: Type.Literal('oidc'),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    redirectUris: Type.Optional(UriList),
    postLogoutRedirectUris: Type.Optional(UriList),
    grantTypes: Type.Optional(Type.Array(GrantType, { minItems: 1, uniqueItems: true })),
    isPublic: Type.Optional(Type.Boolean()),
    allowHttpRedirectUris: Type.Optional(Type.Boolean()),
    isResourceServer: Type.Optional(Type.Boolean()),
    launchUrl: Type.Optional(Uri),
    logoUri: Type.Optional(Uri),
  },
  { additionalProperties: false },
);
export type CreateApplicationBody = Static<typeof CreateApplicationBody>;

export const CreatedApplication = Type.Object({
  application: ApplicationDetail,
  /** Shown here once and never again; null for a public application. */
  clientSecret: Nullable(Type.String()),
});
export type CreatedApplication = Static<typeof CreatedApplication>;

export const UpdateApplicationBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    redirectUris: Type.Optional(UriList),
    postLogoutRedirectUris: Type.Optional(UriList),
    grantTypes: Type.Optional(Type.Array(GrantType, { minItems: 1, uniqueItems: true })),
    allowHttpRedirectUris: Type.Optional(Type.Boolean()),
    isResourceServer: Type.Optional(Type.Boolean()),
    launchUrl: Type.Optional(Nullable(Uri)),
    logoUri: Type.Optional(Nullable(Uri)),
    /** A disabled application is refused at every endpoint at once. */
    isEnabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateApplicationBody = Static<typeof UpdateApplicationBody>;

/** A new client secret (the old one stops working at once); shown once. */
export const RotatedSecret = Type.Object({ clientSecret: Type.String() });
export type RotatedSecret = Static<typeof RotatedSecret>;
