// The bootstrap sign-in's one query.
import type pg from 'pg';

type Queryable = Pick<pg.Pool, 'query'>;

/** The admin the desktop window signs in as: the longest-standing active admin (index users_active_admins). */
export async function desktopAdmin(db: Queryable): Promise<{ id: string; username: string } | null> {
  const { rows } = await db.query<{ id: string; username: string }>(
    'SELECT id, username FROM users WHERE is_admin AND is_active ORDER BY created_at, id LIMIT 1',
  );
  return rows[0] ?? null;
}
