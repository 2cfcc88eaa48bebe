// The events API's contract (/api/v1/events): the audit log and failures, filtered and paged newest first.
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Page, PageQuery, Timestamp, Uuid } from '../common-schemas.ts';

export const EventView = Type.Object({
  id: Type.String(),
  occurredAt: Timestamp,
  type: Type.String(),
  actor: Nullable(Type.String()),
  actorUserId: Nullable(Uuid),
  target: Nullable(Type.Object({ type: Type.String(), id: Type.String(), label: Nullable(Type.String()) })),
  sourceAddress: Nullable(Type.String()),
  requestId: Nullable(Type.String()),
  /** Details; for a change, { before, after } (never secrets). */
  data: Type.Record(Type.String(), Type.Unknown()),
});
export type EventView = Static<typeof EventView>;

export const ListEventsQuery = Type.Object(
  {
    /** An exact type (user.created) or a category ending in a dot (user.). */
    type: Type.Optional(Type.String({ maxLength: 100, pattern: '^[a-z][a-z0-9_]*(\\.[a-z0-9_]*)*$' })),
    /** Events by this user or about this user. */
    userId: Type.Optional(Uuid),
    /** Events about this application (its id). */
    applicationId: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{2,63}$' })),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type ListEventsQuery = Static<typeof ListEventsQuery>;

export const EventPage = Page(EventView);
export type EventPage = Static<typeof EventPage>;

/** The event types Gatehouse writes, for the filter's list. */
export const EventTypes = Type.Object({ types: Type.Array(Type.String()) });
export type EventTypes = Static<typeof EventTypes>;
