// The sessions API's reads: every live session, most recently used first, keyset-paged.
import type pg from 'pg';
import { cursorTimestampSql } from '../page-cursor.ts';

type Queryable = Pick<pg.Pool, 'query'>;

export interface SessionRow {
  id: string;
  user_id: string;
  username: string;
  display_name: string | null;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  idle_expires_at: Date;
  auth_methods: string[];
  last_ip: string | null;
  user_agent: string | null;
  /** last_seen_at as the cursor keeps it (microseconds, UTC). */
  last_seen_key: string;
}

/** Where the previous page ended: its last session's last use and id. */
export interface SessionPosition {
  lastSeenAt: string;
  id: string;
}

export class SessionsRepo {
  constructor(private readonly db: Queryable) {}

  /**
   * Live sessions (neither expiry passed) newest activity first, after `after`; one row more than `limit` tells
   * whether another page follows. Index sessions_last_seen_at (last_seen_at DESC, id DESC) walks them in order;
   * for one user, sessions_user finds their few. host() drops inet's netmask.
   */
  async page(filter: { userId?: string }, after: SessionPosition | null, limit: number): Promise<SessionRow[]> {
    const values: unknown[] = [];
    const conditions = ['s.idle_expires_at > now()', 's.expires_at > now()'];
    if (filter.userId) {
      values.push(filter.userId);
      conditions.push(`s.user_id = $${values.length}`);
    }
    if (after) {
      values.push(after.lastSeenAt, after.id);
      conditions.push(`(s.last_seen_at, s.id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
    }
    values.push(limit + 1);
    const { rows } = await this.db.query<SessionRow>(
      `SELECT s.id, s.user_id, u.username, u.display_name, s.created_at, s.last_seen_at, s.expires_at, s.idle_expires_at,
              s.auth_methods, host(s.last_ip) AS last_ip, s.user_agent, ${cursorTimestampSql('s.last_seen_at')} AS last_seen_key
       FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE ${conditions.join(' AND ')}
       ORDER BY s.last_seen_at DESC, s.id DESC
       LIMIT $${values.length}`,
      values,
    );
    return rows;
  }
}
