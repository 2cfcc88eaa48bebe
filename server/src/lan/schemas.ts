// The LAN API's contract (GET /api/v1/lan): what the control UI's LAN section shows.
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Timestamp } from '../admin/common-schemas.ts';

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
