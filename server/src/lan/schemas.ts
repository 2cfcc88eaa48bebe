// The LAN API's contract (GET and PUT /api/v1/lan): what the control UI's LAN section shows, and the LAN settings an
// admin saves there for the next start.
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Timestamp } from '../admin/common-schemas.ts';
import { LAN_HOSTNAME_PATTERN } from './hostname-rule.ts';

export const LanStatusView = Type.Object({
  enabled: Type.Boolean(),
  hostname: Type.String(),
  bindAddress: Type.String(),
  /** The port the LAN listener has (null while it does not listen). */
  port: Nullable(Type.Integer()),
  listening: Type.Boolean(),
  allowAdmin: Type.Boolean(),
  /** https://<hostname>[:port]: what devices open, and the OIDC issuer. Passkeys work only here. */
  url: Nullable(Type.String()),
  /** The same listener by address (https://192.168.1.5:9443): for a first look, not for passkeys. */
  addressUrls: Type.Array(Type.String()),
  /** This machine's LAN addresses the certificate names. */
  addresses: Type.Array(Type.String()),
  /** Addresses the certificate cannot name (public or link-local; the CA may sign private ranges only). */
  leftOutAddresses: Type.Array(Type.String()),
  certificateAuthority: Nullable(
    Type.Object({
      subject: Type.String(),
      fingerprintSha256: Type.String(),
      /** What Windows shows as "Thumbprint". */
      fingerprintSha1: Type.String(),
      notBefore: Timestamp,
      notAfter: Timestamp,
      /** Where devices download it: GET, no sign-in needed (a CA certificate is public). */
      downloadPath: Type.String(),
      /** Made at this start, replacing one devices may trust: they must install the new one. */
      replaced: Nullable(Type.Object({ reason: Type.String(), previousFingerprintSha256: Nullable(Type.String()) })),
    }),
  ),
  serverCertificate: Nullable(
    Type.Object({
      dnsNames: Type.Array(Type.String()),
      ipAddresses: Type.Array(Type.String()),
      notBefore: Timestamp,
      notAfter: Timestamp,
      /** Why it was last issued by this process (null: the one on disk was kept). */
      issuedBecause: Nullable(Type.String()),
    }),
  ),
  mdns: Type.Object({
    state: Type.Union(['off', 'not_local', 'probing', 'advertised', 'name_in_use', 'failed', 'stopped'].map((state) => Type.Literal(state))),
    message: Nullable(Type.String()),
  }),
});
export type LanStatusView = Static<typeof LanStatusView>;

/**
 * LAN settings an admin saves for the next start (PUT /api/v1/lan), as they are stored (setting `lan.preferences`).
 * A field left out keeps what was saved before. The config file, environment and flags win over each one.
 */
export const LanPreferences = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean({ description: 'serve Gatehouse on the LAN over HTTPS' })),
    hostname: Type.Optional(Type.String({ pattern: LAN_HOSTNAME_PATTERN, description: 'the name LAN devices use, e.g. gatehouse.local (lower case; not an IP address)' })),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'the HTTPS port on the LAN' })),
    allowAdmin: Type.Optional(Type.Boolean({ description: 'let the admin pages and API answer on the LAN too' })),
  },
  { additionalProperties: false },
);
export type LanPreferences = Static<typeof LanPreferences>;

/** The LAN settings an instance runs with, or will at its next start. */
export const LanSettings = Type.Object({
  enabled: Type.Boolean(),
  hostname: Type.String(),
  /** 0: a free port picked at start (only the config can ask for that). */
  port: Type.Integer(),
  allowAdmin: Type.Boolean(),
});
export type LanSettings = Static<typeof LanSettings>;

export const LanPreferencesView = Type.Object({
  /** What an admin saved (only the fields saved so far); null when nothing was. */
  saved: Nullable(LanPreferences),
  /** Per field: the config file, environment or a flag sets it, which wins over what is saved. */
  setByConfig: Type.Object({ enabled: Type.Boolean(), hostname: Type.Boolean(), port: Type.Boolean(), allowAdmin: Type.Boolean() }),
  /** What the next start will use: the config's own values, else the saved ones, else the defaults. */
  nextStart: LanSettings,
  /** The next start will change LAN mode (what is saved differs from what runs). */
  restartNeeded: Type.Boolean(),
});
export type LanPreferencesView = Static<typeof LanPreferencesView>;

/** GET /api/v1/lan: LAN mode as it runs, and what the next start will do. */
export const LanView = Type.Composite([LanStatusView, LanPreferencesView]);
export type LanView = Static<typeof LanView>;
