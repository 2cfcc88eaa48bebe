// The user portal's contract (/api/v1/me): what any signed-in user may see and do about themselves.
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Timestamp, Uuid } from '../admin/common-schemas.ts';
import { SessionView } from '../admin/sessions/schemas.ts';

export const MeView = Type.Object({
  user: Type.Object({ id: Uuid, username: Type.String(), email: Nullable(Type.String()), displayName: Nullable(Type.String()), isAdmin: Type.Boolean() }),
  groups: Type.Array(Type.String()),
});
export type MeView = Static<typeof MeView>;

export const MyApp = Type.Object({ id: Type.String(), name: Type.String(), launchUrl: Type.String(), logoUri: Nullable(Type.String()) });
export type MyApp = Static<typeof MyApp>;
export const MyApps = Type.Object({ items: Type.Array(MyApp) });
export type MyApps = Static<typeof MyApps>;

export const MySession = Type.Composite([SessionView, Type.Object({ current: Type.Boolean({ description: 'the session of this browser' }) })]);
export type MySession = Static<typeof MySession>;
export const MySessions = Type.Object({ items: Type.Array(MySession) });
export type MySessions = Static<typeof MySessions>;

export const ChangePasswordBody = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 1024 }), newPassword: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;
/** The other sessions of the user end; this one stays. */
export const PasswordChanged = Type.Object({ otherSessionsRevoked: Type.Integer() });
export type PasswordChanged = Static<typeof PasswordChanged>;

export const MyConsent = Type.Object({
  applicationId: Type.String(),
  applicationName: Type.String(),
  scopes: Type.Array(Type.String()),
  grantedAt: Nullable(Timestamp),
});
export type MyConsent = Static<typeof MyConsent>;
export const MyConsents = Type.Object({ items: Type.Array(MyConsent) });
export type MyConsents = Static<typeof MyConsents>;

export const ConsentParams = Type.Object({ applicationId: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{2,63}$' }) }, { additionalProperties: false });
export type ConsentParams = Static<typeof ConsentParams>;
