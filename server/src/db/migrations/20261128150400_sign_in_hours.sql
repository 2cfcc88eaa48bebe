-- Sign-ins per hour, for the dashboard's chart: a month of sign-ins can be hundreds of thousands of events, and the
-- dashboard refetches the chart on every sign-in it hears of; reading 720 hourly rows instead keeps it instant.
-- A singleton job recounts the recent hours from events every minute (admin/status/sign-in-hours.ts); the chart
-- reads this table for older hours and events for the last ones.
CREATE TABLE sign_in_hours (
  hour timestamptz PRIMARY KEY CHECK (date_trunc('hour', hour AT TIME ZONE 'UTC') = hour AT TIME ZONE 'UTC'),
  succeeded integer NOT NULL CHECK (succeeded >= 0),
  failed integer NOT NULL CHECK (failed >= 0)
);

-- The hours of the events already recorded (index events_type_occurred_at).
INSERT INTO sign_in_hours (hour, succeeded, failed)
SELECT date_trunc('hour', occurred_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
       count(*) FILTER (WHERE type = 'user.login_succeeded'),
       count(*) FILTER (WHERE type = 'user.login_failed')
  FROM events
 WHERE type IN ('user.login_succeeded', 'user.login_failed')
 GROUP BY 1;
