// Keyset cursors of the admin lists (users, groups, sessions, applications, events): the sort key of a page's last row, opaque to clients
// (base64url JSON), checked on the way back in so that a changed cursor is a 400 naming the field, never a query error.
import { HttpError } from '../http/errors.ts';

/** One part of a cursor's position: a pattern it must match, or a check it must pass. */
export type CursorPart = RegExp | ((part: string) => boolean);

const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * The text form of a timestamp in a cursor: UTC with microseconds, as PostgreSQL keeps it (no rounding to ms), and a
 * real instant (a changed cursor naming month 13 is refused here, not by PostgreSQL).
 */
export const CURSOR_TIMESTAMP: CursorPart = (part) => {
  const at = new Date(part);
  // Years 1 to 9999: PostgreSQL's timestamptz has no year 0, JavaScript's Date has.
  return TIMESTAMP_TEXT.test(part) && !Number.isNaN(at.getTime()) && at.getUTCFullYear() >= 1 && at.toISOString().slice(0, 19) === part.slice(0, 19);
};
export const CURSOR_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A bigint identity (events.id): 1 to 2^63 − 1. */
export const CURSOR_BIGINT: CursorPart = (part) => /^[1-9]\d{0,18}$/.test(part) && BigInt(part) <= 9_223_372_036_854_775_807n;

function fits(part: string, shape: CursorPart): boolean {
  return typeof shape === 'function' ? shape(part) : shape.test(part);
}

/** SQL giving a timestamptz column in CURSOR_TIMESTAMP's form (compare with `$n::timestamptz`). */
export function cursorTimestampSql(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

export function encodeCursor(position: readonly string[]): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** The position, one string per pattern, or a 400 invalid_cursor (field "cursor"). */
export function decodeCursor(cursor: string, shape: readonly CursorPart[]): string[] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = null;
  }
  if (Array.isArray(decoded) && decoded.length === shape.length && decoded.every((part, i) => typeof part === 'string' && fits(part, shape[i]!))) {
    return decoded as string[];
  }
  throw new HttpError(400, 'invalid_cursor', 'This page link is not valid (the cursor was changed or belongs to another list). Start again from the first page.', {}, 'cursor');
}

/**
 * A page answer from rows fetched with one row more than `limit` (that extra row says another page follows): the
 * items, and the cursor at the last one shown.
 */
export function keysetPage<Row, Item>(rows: Row[], limit: number, toItem: (row: Row) => Item, positionOf: (row: Row) => string[]): { items: Item[]; nextCursor: string | null } {
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return { items: shown.map(toItem), nextCursor: rows.length > limit && last !== undefined ? encodeCursor(positionOf(last)) : null };
}
