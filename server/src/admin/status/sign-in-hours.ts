// Keeps sign_in_hours (the dashboard chart's hourly counts) up to date: a singleton job recounts, every minute,
// every hour from the last one it had (minus one, which may have been counted while still filling) up to now, from
// events (index events_type_occurred_at). After downtime it catches up, at most ROLLUP_CATCH_UP_DAYS back.
// Only hours with sign-ins get a row (the chart fills the rest with zeros), and a row is written only when its counts
// changed: a quiet instance writes nothing.
import type pg from 'pg';
import type { JobRunner } from '../../platform/jobs.ts';
import { registerExpiringTable } from '../../platform/cleanup.ts';

export const SIGN_IN_HOURS_JOB = 'admin.sign-in-hours';
/** The chart's longest range is 30 days; a longer outage leaves older hours as they were. */
const ROLLUP_CATCH_UP_DAYS = 31;

// Hours are kept as long as events are (a year); index: the primary key.
registerExpiringTable({ table: 'sign_in_hours', expiryCondition: "hour < now() - interval '400 days'", batchSize: 1_000 });

const RECOUNT = `
  WITH since AS (
    SELECT date_trunc('hour', greatest(
      coalesce((SELECT max(hour) FROM sign_in_hours) - interval '1 hour', now() - interval '${ROLLUP_CATCH_UP_DAYS} days'),
      now() - interval '${ROLLUP_CATCH_UP_DAYS} days'
    ) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS at
  ), counted AS (
    SELECT date_trunc('hour', occurred_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS hour,
           count(*) FILTER (WHERE type = 'user.login_succeeded')::int AS succeeded,
           count(*) FILTER (WHERE type = 'user.login_failed')::int AS failed
      FROM events
     WHERE type IN ('user.login_succeeded', 'user.login_failed') AND occurred_at >= (SELECT at FROM since)
     GROUP BY 1
  )
  INSERT INTO sign_in_hours (hour, succeeded, failed)
  SELECT hour, succeeded, failed FROM counted
  ON CONFLICT (hour) DO UPDATE SET succeeded = excluded.succeeded, failed = excluded.failed
  WHERE (sign_in_hours.succeeded, sign_in_hours.failed) IS DISTINCT FROM (excluded.succeeded, excluded.failed)`;

export async function recountSignInHours(db: Pick<pg.Pool, 'query'>): Promise<void> {
  await db.query(RECOUNT);
}

export function defineSignInHoursJob(jobs: JobRunner, pool: Pick<pg.Pool, 'query'>): void {
  jobs.define({ name: SIGN_IN_HOURS_JOB, singleton: true, maxAttempts: 1, handler: () => recountSignInHours(pool) });
  jobs.schedule(SIGN_IN_HOURS_JOB, '* * * * *');
}
