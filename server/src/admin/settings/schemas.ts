// The settings API's contract (/api/v1/settings): session lifetimes, password policy, branding, the public URL.
// Settings live in the settings table; every instance re-reads them when one changes (bus), so they apply at once,
// except the public URL, which is the OIDC issuer and applies at the next start.
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../common-schemas.ts';

export const SessionSettings = Type.Object(
  {
    /** A session ends this long after sign-in, however active (1 hour to 90 days). */
    absoluteLifetimeHours: Type.Integer({ minimum: 1, maximum: 2160 }),
    /** …or this long after it was last used (5 minutes to 90 days; never more than the absolute lifetime). */
    idleLifetimeMinutes: Type.Integer({ minimum: 5, maximum: 129600 }),
  },
  { additionalProperties: false },
);
export type SessionSettings = Static<typeof SessionSettings>;

/** NIST SP 800-63B §5.1.1.2: length matters, composition rules do not; a password must not be the username. */
export const PasswordPolicy = Type.Object(
  {
    minLength: Type.Integer({ minimum: 8, maximum: 64 }),
    disallowUsername: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type PasswordPolicy = Static<typeof PasswordPolicy>;

export const BrandingBody = Type.Object({ instanceName: Type.String({ minLength: 1, maxLength: 60 }) }, { additionalProperties: false });
export type BrandingBody = Static<typeof BrandingBody>;

export const Branding = Type.Object({
  instanceName: Type.String(),
  /** Served at /branding/logo; null when none was uploaded. Changes with each upload (cache busting). */
  logoUrl: Nullable(Type.String()),
});
export type Branding = Static<typeof Branding>;

export const InstanceBody = Type.Object(
  { publicUrl: Type.String({ maxLength: 200, pattern: '^https?://[^/?#]+(/[^?#]*)?$' }) },
  { additionalProperties: false },
);
export type InstanceBody = Static<typeof InstanceBody>;

export const InstanceSettings = Type.Object({
  /** The address this instance runs with now (the OIDC issuer). */
  publicUrl: Type.String(),
  /** The address saved for the next start; null when none was saved. */
  savedPublicUrl: Nullable(Type.String()),
  /** The config file or a flag sets it, which wins over the saved one. */
  setByConfig: Type.Boolean(),
  /** The saved address differs from the running one: it applies after a restart. */
  restartNeeded: Type.Boolean(),
});
export type InstanceSettings = Static<typeof InstanceSettings>;

export const SettingsView = Type.Object({
  sessions: SessionSettings,
  passwordPolicy: PasswordPolicy,
  branding: Branding,
  instance: InstanceSettings,
});
export type SettingsView = Static<typeof SettingsView>;

/** Logos: PNG, JPEG or WebP (never SVG, which can carry script), at most this size. */
export const LOGO_MAX_BYTES = 256 * 1024;
export const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
