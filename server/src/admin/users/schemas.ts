// The users API's contract (/api/v1/users): requests as Fastify validates them, answers as it serializes them.
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Page, PageQuery, SearchQuery, Timestamp, Uuid } from '../common-schemas.ts';

export const GroupRef = Type.Object({ id: Uuid, name: Type.String() });
export type GroupRef = Static<typeof GroupRef>;

export const UserSummary = Type.Object({
  id: Uuid,
  username: Type.String(),
  email: Nullable(Type.String()),
  displayName: Nullable(Type.String()),
  isActive: Type.Boolean(),
  isAdmin: Type.Boolean(),
  createdAt: Timestamp,
});
export type UserSummary = Static<typeof UserSummary>;

export const UserDetail = Type.Composite([
  UserSummary,
  Type.Object({
    emailVerified: Type.Boolean(),
    hasPassword: Type.Boolean(),
    passwordChangedAt: Nullable(Timestamp),
    updatedAt: Timestamp,
    groups: Type.Array(GroupRef),
  }),
]);
export type UserDetail = Static<typeof UserDetail>;

export const ListUsersQuery = Type.Object(
  {
    search: SearchQuery,
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled'), Type.Literal('admin')])),
    groupId: Type.Optional(Uuid),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type ListUsersQuery = Static<typeof ListUsersQuery>;

/** A search counts its matches up to this many; beyond, `total` is this number and `totalExact` is false ("20,000+"). */
export const SEARCH_COUNT_LIMIT = 20_000;

export const UserPage = Type.Composite([
  Page(UserSummary),
  Type.Object({
    total: Type.Integer({ description: 'users matching the filter' }),
    totalExact: Type.Boolean({ description: `false when a search matched more than ${SEARCH_COUNT_LIMIT} users: total is then that many, at least` }),
  }),
]);
export type UserPage = Static<typeof UserPage>;

const Username = Type.String({ minLength: 1, maxLength: 64 });
const Email = Type.String({ maxLength: 254 });
const DisplayName = Type.String({ maxLength: 200 });

export const CreateUserBody = Type.Object(
  {
    username: Username,
    email: Type.Optional(Email),
    displayName: Type.Optional(DisplayName),
    /** Without one, the user gets a password-reset link to choose their own. */
    password: Type.Optional(Type.String({ maxLength: 1024 })),
    isAdmin: Type.Optional(Type.Boolean()),
    groupIds: Type.Optional(Type.Array(Uuid, { maxItems: 500, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBody>;

export const UpdateUserBody = Type.Object(
  {
    email: Type.Optional(Nullable(Email)),
    emailVerified: Type.Optional(Type.Boolean()),
    displayName: Type.Optional(Nullable(DisplayName)),
    isAdmin: Type.Optional(Type.Boolean()),
    /** Disabling ends the user's sessions and the tokens of their apps. */
    isActive: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateUserBody = Static<typeof UpdateUserBody>;

export const SetUserGroupsBody = Type.Object({ groupIds: Type.Array(Uuid, { maxItems: 500, uniqueItems: true }) }, { additionalProperties: false });
export type SetUserGroupsBody = Static<typeof SetUserGroupsBody>;

/** A one-time link the admin copies or prints for the user (Gatehouse sends no mail). */
export const PasswordResetLink = Type.Object({ url: Type.String(), expiresAt: Timestamp });
export type PasswordResetLink = Static<typeof PasswordResetLink>;

/** GET /api/v1/users/:id/sessions: that user's live sessions (SessionPage of ../sessions/schemas.ts), newest activity first. */
export const UserSessionsQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export type UserSessionsQuery = Static<typeof UserSessionsQuery>;
