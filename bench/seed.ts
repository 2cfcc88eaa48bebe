// Volume data for benchmarks and the large round-trip test: N users (in groups) and M events, made inside
// PostgreSQL with generate_series (seconds, not minutes). Users have no password (nobody logs in as them).
// Needs options.users ≥ 1 when events are asked for (every event is by a seeded user).
import type pg from 'pg';
import { recountSignInHours } from '../server/src/admin/status/sign-in-hours.ts';

export interface SeedOptions {
  users: number;
  events: number;
  /** Members per group; users are spread over users / groupSize groups. */
  groupSize?: number;
}

export async function seedVolume(client: Pick<pg.ClientBase, 'query'>, options: SeedOptions): Promise<void> {
  const groupSize = options.groupSize ?? 1_000;
  await client.query(
    `INSERT INTO users (username, email, email_verified, display_name, attributes)
     SELECT 'seed' || i, 'seed' || i || '@example.test', i % 3 = 0, 'Seeded User ' || i, jsonb_build_object('department', 'dept-' || (i % 40), 'employee_no', i)
       FROM generate_series(1, $1::int) i`,
    [options.users],
  );
  await client.query(
    `INSERT INTO groups (name, description) SELECT 'seed-group-' || g, 'Seeded group ' || g FROM generate_series(1, greatest(1, $1::int / $2::int)) g`,
    [options.users, groupSize],
  );
  await client.query(
    `INSERT INTO group_members (group_id, user_id)
     SELECT g.id, u.id FROM users u JOIN groups g ON g.name = 'seed-group-' || (1 + (substring(u.username FROM 5)::int % greatest(1, $1::int / $2::int)))
      WHERE u.username LIKE 'seed%'`,
    [options.users, groupSize],
  );
  // Events as Gatehouse writes them (admin/audit.ts): mostly sign-ins, some changes, each by and about a seeded
  // user, spread over the last ~23 days (one every 2 s); in batches of 250k rows, so one statement never holds a
  // huge transaction's worth of memory.
  for (let start = 1; start <= options.events; start += 250_000) {
    const end = Math.min(options.events, start + 249_999);
    await client.query(
      `WITH seeded AS (SELECT id, username, row_number() OVER (ORDER BY id) AS n FROM users WHERE username LIKE 'seed%')
       INSERT INTO events (occurred_at, type, actor_user_id, actor, target_type, target_id, target_label, source_address, data)
       SELECT now() - make_interval(secs => ($3::int - i) * 2), kind.type,
              u.id, u.username,
              CASE WHEN kind.type = 'application.updated' THEN 'application' ELSE 'user' END,
              CASE WHEN kind.type = 'application.updated' THEN 'app-' || (i % 12) ELSE u.id::text END,
              CASE WHEN kind.type = 'application.updated' THEN 'App ' || (i % 12) ELSE u.username END,
              ('10.' || (i % 250) || '.' || (i % 199) || '.' || (1 + i % 250))::inet,
              jsonb_build_object('clientId', 'app-' || (i % 12), 'userAgent', 'Mozilla/5.0 (X11; Linux x86_64) seed', 'n', i)
         FROM generate_series($1::int, $2::int) i
         JOIN seeded u ON u.n = 1 + i % greatest(1, (SELECT count(*) FROM seeded))
         CROSS JOIN LATERAL (SELECT (ARRAY['user.login_succeeded', 'user.login_succeeded', 'user.login_succeeded', 'user.login_succeeded', 'user.login_succeeded',
                                           'user.login_succeeded', 'user.login_failed', 'user.updated', 'group.member_added', 'application.updated'])[1 + i % 10] AS type) kind`,
      [start, end, options.events],
    );
  }
  // The seeded sign-ins lie in the past: count their hours as the minutely job does for new ones, so the job finds
  // nothing to change later (a live server's tables stay still while a test compares them).
  await client.query('DELETE FROM sign_in_hours');
  await recountSignInHours(client);
}
