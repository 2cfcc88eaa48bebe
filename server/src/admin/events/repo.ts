// The events page's SQL: one page of the event log, newest first, through whichever filters are set.
// Each filter is one index read in (occurred_at DESC, id DESC) order, the pages' keyset, stopped at the page size;
// the other filters are tested on columns the index carries, so a page costs about its own rows at 1M events
// (indexes: migrations 20261128140000_backup, 20261128150300_events_filters):
// - no filter, or only from/to:          events_occurred_at
// - an exact type:                       events_type_occurred_at
// - a category ("user."):                events_category_occurred_at
// - a user (by them OR about them):      events_actor_occurred_at ∪ events_target_occurred_at (both carry type, client_id)
// - an application (about it OR logins): events_target_occurred_at ∪ events_client_occurred_at (carries type, actor)
// - a user and an application:           by the user with its client_id, about the user with its client_id, and
//                                        about the application by the user
// An OR of two indexed columns is two ordered reads merged (UNION): a plain OR would make PostgreSQL collect every
// match of both and sort them. A type with a user or an application is tested inside their index (index-only scan),
// so even a user with 50k events and none of that type costs one pass over that user's index entries.
import type pg from 'pg';
import { cursorTimestampSql } from '../page-cursor.ts';
import type { EventView } from './schemas.ts';

type Queryable = Pick<pg.Pool, 'query'>;

/** A position in the log: the last event of a page. occurredAt keeps PostgreSQL's microseconds (as text). */
export interface EventPosition {
  occurredAt: string;
  id: string;
}

export type TypeFilter = { exact: string } | { category: string; prefix: string };

export interface EventFilter {
  type?: TypeFilter;
  userId?: string;
  applicationId?: string;
  /** Inclusive. */
  from?: string;
  /** Exclusive. */
  to?: string;
}

interface EventRow {
  id: string;
  occurred_at: Date;
  position: string;
  type: string;
  actor: string | null;
  actor_user_id: string | null;
  target_type: string | null;
  target_id: string | null;
  target_label: string | null;
  source_address: string | null;
  request_id: string | null;
  data: Record<string, unknown>;
}

// position: the exact instant, as text that casts back to the same timestamptz (a Date would drop microseconds).
const COLUMNS = `e.id::text AS id, e.occurred_at, ${cursorTimestampSql('e.occurred_at')} AS position,
  e.type, e.actor, e.actor_user_id, e.target_type, e.target_id, e.target_label, host(e.source_address) AS source_address, e.request_id, e.data`;
const NEWEST_FIRST = 'ORDER BY e.occurred_at DESC, e.id DESC';

/** Builds one page's statement from the filters; values are always parameters. */
class StatementParameters {
  readonly values: unknown[] = [];

  param(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export class EventsRepo {
  constructor(private readonly db: Queryable) {}

  /** Up to `limit` events after `after` (older than it), newest first, each with its position. */
  async page(filter: EventFilter, after: EventPosition | null, limit: number): Promise<Array<{ event: EventView; position: EventPosition }>> {
    const q = new StatementParameters();
    const common: string[] = [];
    if (filter.type && 'exact' in filter.type) common.push(`type = ${q.param(filter.type.exact)}`);
    if (filter.type && 'category' in filter.type) {
      common.push(`split_part(type, '.', 1) = ${q.param(filter.type.category)}`);
      // A deeper prefix (backup.schedule.) narrows the category further.
      if (filter.type.prefix !== `${filter.type.category}.`) common.push(`type LIKE ${q.param(likePrefix(filter.type.prefix))}`);
    }
    if (filter.from) common.push(`occurred_at >= ${q.param(filter.from)}::timestamptz`);
    if (filter.to) common.push(`occurred_at < ${q.param(filter.to)}::timestamptz`);
    if (after) common.push(`(occurred_at, id) < (${q.param(after.occurredAt)}::timestamptz, ${q.param(after.id)}::bigint)`);

    // The branches: each an ordered read of one index, the other filters checked on that index's included columns.
    let branches = ['TRUE'];
    const user = filter.userId === undefined ? null : q.param(filter.userId);
    const application = filter.applicationId === undefined ? null : q.param(filter.applicationId);
    const byUser = `actor_user_id = ${user}::uuid`;
    const aboutUser = `target_type = 'user' AND target_id = ${user}::uuid::text`;
    const aboutApplication = `target_type = 'application' AND target_id = ${application}`;
    const loginTo = `client_id = ${application}`;
    if (user && application) branches = [`${byUser} AND ${loginTo}`, `${aboutUser} AND ${loginTo}`, `${aboutApplication} AND ${byUser}`];
    else if (user) branches = [byUser, aboutUser];
    else if (application) branches = [aboutApplication, loginTo];
    const lim = q.param(limit);
    const where = (branch: string) => [branch, ...common].join(' AND ');
    const text =
      branches.length === 1
        ? `SELECT ${COLUMNS} FROM events e WHERE ${where(branches[0]!)} ${NEWEST_FIRST} LIMIT ${lim}`
        : `SELECT ${COLUMNS}
             FROM (${branches.map((branch) => `(SELECT e.id FROM events e WHERE ${where(branch)} ${NEWEST_FIRST} LIMIT ${lim})`).join(' UNION ')}) page
             JOIN events e ON e.id = page.id
           ${NEWEST_FIRST} LIMIT ${lim}`;
    const { rows } = await this.db.query<EventRow>(text, q.values);
    return rows.map((row) => ({ event: toEventView(row), position: { occurredAt: row.position, id: row.id } }));
  }
}

function likePrefix(prefix: string): string {
  return prefix.replace(/[\\%_]/g, (character) => `\\${character}`) + '%';
}

function toEventView(row: EventRow): EventView {
  return {
    id: row.id,
    occurredAt: row.occurred_at.toISOString(),
    type: row.type,
    actor: row.actor,
    actorUserId: row.actor_user_id,
    target: row.target_type === null && row.target_id === null ? null : { type: row.target_type ?? '', id: row.target_id ?? '', label: row.target_label },
    sourceAddress: row.source_address,
    requestId: row.request_id,
    data: row.data,
  };
}
