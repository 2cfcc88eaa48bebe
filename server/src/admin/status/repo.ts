// The dashboard's SQL: facts about the database, counts, the last backups, and sign-ins per time bucket.
import type pg from 'pg';

type Queryable = Pick<pg.Pool, 'query'>;

export interface DatabaseFacts {
  serverVersion: string;
  sizeBytes: number;
  maxConnections: number;
  /** Connections to this database from every instance (and anything else connected to it). */
  connectionsAllInstances: number;
  users: number;
  groups: number;
  applications: number;
  activeSessions: number;
  lastBackupSucceededAt: Date | null;
  lastBackupFailedAt: Date | null;
}

// One statement, one round trip. The counts are exact: count(*) reads the smallest index of each table (an
// index-only scan of users_pkey at 100k users); live sessions use sessions_idle_expires_at (idle expiry never
// passes the absolute one); the backups read backup_runs, a table of a few hundred rows.
const FACTS = `
  SELECT current_setting('server_version') AS server_version,
         pg_database_size(current_database()) AS size_bytes,
         current_setting('max_connections')::int AS max_connections,
         (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database())::int AS connections_all,
         (SELECT count(*) FROM users)::int AS users,
         (SELECT count(*) FROM groups)::int AS groups,
         (SELECT count(*) FROM oidc_clients)::int AS applications,
         (SELECT count(*) FROM sessions WHERE idle_expires_at > now())::int AS active_sessions,
         (SELECT max(finished_at) FROM backup_runs WHERE kind = 'backup' AND status = 'succeeded') AS last_succeeded,
         (SELECT max(finished_at) FROM backup_runs WHERE kind = 'backup' AND status = 'failed') AS last_failed`;

type FactsRow = {
  server_version: string; size_bytes: string; max_connections: number; connections_all: number;
  users: number; groups: number; applications: number; active_sessions: number;
  last_succeeded: Date | null; last_failed: Date | null;
};

export type BucketUnit = 'hour' | 'day';

export interface LoginBucket {
  start: Date;
  succeeded: number;
  failed: number;
}

// Sign-ins per bucket, oldest first, the current (partial) bucket last and empty buckets included: the series of
// bucket starts left-joined to the counts. Buckets are whole UTC hours or days (computed on UTC timestamps, so a
// session time zone's daylight saving cannot shift them). Hours before the previous one come from sign_in_hours
// (its primary key: at most 720 rows for 30 days); the previous and current hour, which the minutely recount may
// not have reached yet, are counted from events (events_type_occurred_at, about two hours of sign-ins).
const LOGINS = `
  WITH series AS (
    SELECT generate_series(date_trunc($1, now() AT TIME ZONE 'UTC') - ($2::int - 1) * $3::interval, date_trunc($1, now() AT TIME ZONE 'UTC'), $3::interval) AS start
  ), recent AS (
    SELECT (date_trunc('hour', now() AT TIME ZONE 'UTC') - interval '1 hour') AT TIME ZONE 'UTC' AS since
  ), hourly AS (
    SELECT hour, succeeded, failed FROM sign_in_hours
     WHERE hour >= (SELECT min(start) FROM series) AT TIME ZONE 'UTC' AND hour < (SELECT since FROM recent)
    UNION ALL
    SELECT date_trunc('hour', occurred_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
           count(*) FILTER (WHERE type = 'user.login_succeeded')::int,
           count(*) FILTER (WHERE type = 'user.login_failed')::int
      FROM events
     WHERE type IN ('user.login_succeeded', 'user.login_failed') AND occurred_at >= (SELECT since FROM recent)
     GROUP BY 1
  ), counted AS (
    SELECT date_trunc($1, hour AT TIME ZONE 'UTC') AS start, sum(succeeded)::int AS succeeded, sum(failed)::int AS failed
      FROM hourly GROUP BY 1
  )
  SELECT series.start AT TIME ZONE 'UTC' AS start, coalesce(counted.succeeded, 0) AS succeeded, coalesce(counted.failed, 0) AS failed
    FROM series LEFT JOIN counted USING (start)
   ORDER BY series.start`;

export class StatusRepo {
  constructor(private readonly db: Queryable) {}

  async facts(): Promise<DatabaseFacts> {
    const { rows } = await this.db.query<FactsRow>(FACTS);
    const row = rows[0]!;
    return {
      serverVersion: row.server_version,
      sizeBytes: Number(row.size_bytes),
      maxConnections: row.max_connections,
      connectionsAllInstances: row.connections_all,
      users: row.users,
      groups: row.groups,
      applications: row.applications,
      activeSessions: row.active_sessions,
      lastBackupSucceededAt: row.last_succeeded,
      lastBackupFailedAt: row.last_failed,
    };
  }

  /** `count` buckets of one unit each, the last one holding now. */
  async logins(unit: BucketUnit, count: number): Promise<LoginBucket[]> {
    const { rows } = await this.db.query<LoginBucket>(LOGINS, [unit, count, `1 ${unit}`]);
    return rows;
  }
}
