// The users API's reads: the filtered, searched, keyset-paged list with its total, and one user with their groups.
// Changes go through the identity service. Built to stay fast at 100k users (bench/admin/run.ts).
import type pg from 'pg';
import { containsPattern } from '../../identity/repo.ts';
import { SEARCH_COUNT_LIMIT, type ListUsersQuery } from './schemas.ts';

type Queryable = Pick<pg.Pool, 'query'>;

export interface UserRow {
  id: string;
  username: string;
  email: string | null;
  display_name: string | null;
  is_active: boolean;
  is_admin: boolean;
  created_at: Date;
}

export interface UserDetailRow extends UserRow {
  email_verified: boolean;
  has_password: boolean;
  password_changed_at: Date | null;
  updated_at: Date;
  groups: Array<{ id: string; name: string }>;
}

export interface UserFilter {
  search?: string;
  status?: ListUsersQuery['status'];
  groupId?: string;
}

/** One page, one row more than asked when another page follows, and how many users the filter matches. */
export interface UsersPage {
  rows: UserRow[];
  total: number;
  /** False when a search matched SEARCH_COUNT_LIMIT users or more, and total says only "at least". */
  totalExact: boolean;
}

const SUMMARY_COLUMNS = 'id, username, email, display_name, is_active, is_admin, created_at';

// Exactly the expression of index users_search_trgm (migration 20261128150000_admin.sql), or the planner cannot use it.
const SEARCH_EXPRESSION = `(lower(username) || ' ' || coalesce(lower(email), '') || ' ' || coalesce(lower(display_name), ''))`;

/**
 * The WHERE conditions of a filter, with their parameters appended to `values`.
 * - search: "contains" over username, email and display name, regardless of case (users_search_trgm, a GIN trigram
 *   index; patterns under three characters have no trigrams and scan instead).
 * - status: active / disabled (users_disabled_username) / admin (users_admins_username).
 * - groupId: members of one group (group_members primary key, group first).
 */
function conditionsOf(filter: UserFilter, values: unknown[]): string[] {
  const conditions: string[] = [];
  const search = filter.search?.trim();
  if (search) {
    values.push(containsPattern(search));
    conditions.push(`${SEARCH_EXPRESSION} LIKE lower($${values.length})`);
  }
  if (filter.status === 'active') conditions.push('is_active');
  else if (filter.status === 'disabled') conditions.push('NOT is_active');
  else if (filter.status === 'admin') conditions.push('is_admin');
  if (filter.groupId) {
    values.push(filter.groupId);
    conditions.push(`EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = $${values.length} AND gm.user_id = users.id)`);
  }
  return conditions;
}

function whereClause(conditions: string[]): string {
  return conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
}

// Primary key; groups through group_members_user and the groups primary key.
const USER_DETAIL = `
  SELECT ${SUMMARY_COLUMNS}, email_verified, password_hash IS NOT NULL AS has_password, password_changed_at, updated_at,
    coalesce((SELECT json_agg(json_build_object('id', g.id, 'name', g.name) ORDER BY lower(g.name))
              FROM group_members gm JOIN groups g ON g.id = gm.group_id WHERE gm.user_id = users.id), '[]'::json) AS groups
  FROM users WHERE id = $1`;

export class UsersRepo {
  constructor(private readonly db: Queryable) {}

  /**
   * One page in username order after the username `after`.
   *
   * Without a search: a walk of users_username_lower (or the status filter's partial index) that stops after the page,
   * and an exact count beside it.
   *
   * With a search, the planner cannot know where in username order the matches lie: it assumes they are spread
   * evenly and walks the username index, which reads most of the table when they bunch together ("seed9…" all come
   * last). So the matches are collected through the trigram index first, at most SEARCH_COUNT_LIMIT of them, and
   * sorted: that is also their count. Only a search matching more than that (a fifth of 100k users, spread wide: the
   * walk finds a page fast) walks the index instead, and its total is "at least SEARCH_COUNT_LIMIT".
   */
  async page(filter: UserFilter, after: string | null, limit: number): Promise<UsersPage> {
    if (!filter.search?.trim()) {
      const [rows, total] = await Promise.all([this.walk(filter, after, limit), this.count(filter)]);
      return { rows, total, totalExact: true };
    }
    const values: unknown[] = [];
    const conditions = whereClause(conditionsOf(filter, values));
    values.push(SEARCH_COUNT_LIMIT, after, limit + 1);
    const [bound, afterParam, limitParam] = [values.length - 2, values.length - 1, values.length].map((n) => `$${n}`);
    const { rows } = await this.db.query<UserRow & { matched: number }>(
      `WITH matches AS MATERIALIZED (SELECT id, lower(username) AS sort_key FROM users ${conditions} LIMIT ${bound}),
            page AS (SELECT id, sort_key FROM matches WHERE ${afterParam}::text IS NULL OR sort_key > ${afterParam} ORDER BY sort_key LIMIT ${limitParam})
       SELECT (SELECT count(*) FROM matches)::int AS matched, u.id, u.username, u.email, u.display_name, u.is_active, u.is_admin, u.created_at
       FROM (SELECT 1) one LEFT JOIN (page JOIN users u ON u.id = page.id) ON true
       ORDER BY page.sort_key`,
      values,
    );
    const matched = rows[0]!.matched;
    if (matched < SEARCH_COUNT_LIMIT) return { rows: rows.filter((row) => row.id !== null).map(({ matched: _matched, ...row }) => row), total: matched, totalExact: true };
    return { rows: await this.walk(filter, after, limit), total: SEARCH_COUNT_LIMIT, totalExact: false };
  }

  /** The walk in username order (keyset on lower(username)), one row more than `limit`. */
  private async walk(filter: UserFilter, after: string | null, limit: number): Promise<UserRow[]> {
    const values: unknown[] = [];
    const conditions = conditionsOf(filter, values);
    if (after !== null) {
      values.push(after);
      conditions.push(`lower(username) > $${values.length}`);
    }
    values.push(limit + 1);
    const { rows } = await this.db.query<UserRow>(
      `SELECT ${SUMMARY_COLUMNS} FROM users ${whereClause(conditions)} ORDER BY lower(username) LIMIT $${values.length}`,
      values,
    );
    return rows;
  }

  /** How many users the filter matches (the same conditions and indexes as the walk). */
  async count(filter: UserFilter): Promise<number> {
    const values: unknown[] = [];
    const { rows } = await this.db.query<{ total: number }>(`SELECT count(*)::int AS total FROM users ${whereClause(conditionsOf(filter, values))}`, values);
    return rows[0]!.total;
  }

  async detail(id: string): Promise<UserDetailRow | null> {
    const { rows } = await this.db.query<UserDetailRow>(USER_DETAIL, [id]);
    return rows[0] ?? null;
  }
}
