// Shapes every admin and portal route shares: the error answer, ids, keyset pages. TypeBox gives one definition for
// Fastify's validation and serialization, the OpenAPI document, and the control UI's types (Static<…>), so the three
// cannot drift apart. The renderer imports these files for their types only.
import { Type, type Static, type TSchema } from '@sinclair/typebox';

export const ErrorAnswer = Type.Object(
  {
    error: Type.String({ description: 'stable code, e.g. username_taken' }),
    message: Type.String({ description: 'for people: what went wrong and what to do' }),
    requestId: Type.String(),
    /** Which field of the request the error concerns, when it concerns one (the UI shows it next to that field). */
    field: Type.Optional(Type.String()),
  },
);
export type ErrorAnswer = Static<typeof ErrorAnswer>;

export const Uuid = Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' });
export const Timestamp = Type.String({ format: 'date-time' });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export type IdParams = Static<typeof IdParams>;

/** Keyset paging: `cursor` is the opaque nextCursor of the previous page. */
export const PAGE_LIMIT_DEFAULT = 50;
export const PAGE_LIMIT_MAX = 100;
export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: PAGE_LIMIT_MAX, default: PAGE_LIMIT_DEFAULT })),
  cursor: Type.Optional(Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_-]*$' })),
};
export const SearchQuery = Type.Optional(Type.String({ maxLength: 100, description: 'part of a name, matched regardless of case' }));

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    /** Null on the last page. */
    nextCursor: Nullable(Type.String()),
  });
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The error answers a guarded route may give, for its schema's response map. */
export const GUARDED_ERRORS = { 400: ErrorAnswer, 401: ErrorAnswer, 403: ErrorAnswer } as const;
