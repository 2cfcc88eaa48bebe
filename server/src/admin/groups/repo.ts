// The groups API's reads: the searched, keyset-paged list with its total and member counts, and one group.
// Changes go through the identity service.
import type pg from 'pg';
import { containsPattern } from '../../identity/repo.ts';

type Queryable = Pick<pg.Pool, 'query'>;

export interface GroupRow {
  id: string;
  name: string;
  description: string | null;
  member_count: number;
  created_at: Date;
  updated_at: Date;
}

// The member count reads the group_members primary key (group first), index only.
const GROUP_COLUMNS = `g.id, g.name, g.description, (SELECT count(*) FROM group_members gm WHERE gm.group_id = g.id)::int AS member_count, g.created_at, g.updated_at`;

/** "Contains", regardless of case: the expression of index groups_name_trgm (GIN trigram), exactly. */
function whereOf(search: string | undefined, values: unknown[]): string[] {
  const trimmed = search?.trim();
  if (!trimmed) return [];
  values.push(containsPattern(trimmed));
  return [`lower(g.name) LIKE lower($${values.length})`];
}

function whereClause(conditions: string[]): string {
  return conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
}

export class GroupsRepo {
  constructor(private readonly db: Queryable) {}

  /** One page in name order (keyset on lower(name): groups_name_lower) after `after`; one row more than `limit`. */
  async page(search: string | undefined, after: string | null, limit: number): Promise<GroupRow[]> {
    const values: unknown[] = [];
    const conditions = whereOf(search, values);
    if (after !== null) {
      values.push(after);
      conditions.push(`lower(g.name) > $${values.length}`);
    }
    values.push(limit + 1);
    const { rows } = await this.db.query<GroupRow>(
      `SELECT ${GROUP_COLUMNS} FROM groups g ${whereClause(conditions)} ORDER BY lower(g.name) LIMIT $${values.length}`,
      values,
    );
    return rows;
  }

  async count(search: string | undefined): Promise<number> {
    const values: unknown[] = [];
    const { rows } = await this.db.query<{ total: number }>(`SELECT count(*)::int AS total FROM groups g ${whereClause(whereOf(search, values))}`, values);
    return rows[0]!.total;
  }

  /** Primary key. */
  async detail(id: string): Promise<GroupRow | null> {
    const { rows } = await this.db.query<GroupRow>(`SELECT ${GROUP_COLUMNS} FROM groups g WHERE g.id = $1`, [id]);
    return rows[0] ?? null;
  }
}
