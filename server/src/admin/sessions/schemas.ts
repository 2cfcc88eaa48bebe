// The sessions API's contract (/api/v1/sessions, /api/v1/users/:id/sessions, and the portal's /api/v1/me/sessions).
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Page, PageQuery, Timestamp, Uuid } from '../common-schemas.ts';

export const SessionView = Type.Object({
  id: Uuid,
  userId: Uuid,
  username: Type.String(),
  displayName: Nullable(Type.String()),
  createdAt: Timestamp,
  lastSeenAt: Timestamp,
  expiresAt: Timestamp,
  idleExpiresAt: Timestamp,
  authMethods: Type.Array(Type.String()),
  lastIp: Nullable(Type.String()),
  userAgent: Nullable(Type.String()),
});
export type SessionView = Static<typeof SessionView>;

export const ListSessionsQuery = Type.Object({ userId: Type.Optional(Uuid), ...PageQuery }, { additionalProperties: false });
export type ListSessionsQuery = Static<typeof ListSessionsQuery>;

export const SessionPage = Page(SessionView);
export type SessionPage = Static<typeof SessionPage>;

export const RevokedSessions = Type.Object({ revoked: Type.Integer() });
export type RevokedSessions = Static<typeof RevokedSessions>;
