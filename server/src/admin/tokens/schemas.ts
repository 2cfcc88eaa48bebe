// The API tokens API's contract (/api/v1/tokens): a signed-in admin makes, lists and revokes tokens.
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Timestamp, Uuid } from '../common-schemas.ts';
import { ADMIN_SCOPES } from '../scopes.ts';

export const Scope = Type.Union(ADMIN_SCOPES.map((scope) => Type.Literal(scope)));

export const TokenView = Type.Object({
  id: Uuid,
  name: Type.String(),
  scopes: Type.Array(Scope),
  createdBy: Nullable(Type.String()),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  lastUsedAt: Nullable(Timestamp),
});
export type TokenView = Static<typeof TokenView>;

export const TokenList = Type.Object({ items: Type.Array(TokenView), scopes: Type.Array(Scope) });
export type TokenList = Static<typeof TokenList>;

export const CreateTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    scopes: Type.Array(Scope, { minItems: 1, uniqueItems: true }),
    expiresInDays: Type.Integer({ minimum: 1, maximum: 365 }),
  },
  { additionalProperties: false },
);
export type CreateTokenBody = Static<typeof CreateTokenBody>;

export const CreatedToken = Type.Object({
  token: TokenView,
  /** The token itself: shown here once, never stored. Send it as "Authorization: Bearer <secret>". */
  secret: Type.String(),
});
export type CreatedToken = Static<typeof CreatedToken>;
