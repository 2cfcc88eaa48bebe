import { describe, expect, it } from 'vitest';
import { CronError, describeCron, parseCron } from '../../server/src/backup/cron.ts';

/** The next `count` runs after `after`, as ISO strings. */
function runs(expression: string, after: string, count = 1, timeZone = 'UTC'): string[] {
  const schedule = parseCron(expression, { timeZone });
  const result: string[] = [];
  let cursor = new Date(after);
  for (let i = 0; i < count; i++) {
    cursor = schedule.next(cursor);
    result.push(cursor.toISOString());
  }
  return result;
}

describe('parseCron: next runs in UTC', () => {
  it.each<[string, string, string[]]>([
    ['* * * * *', '2024-01-01T00:00:00Z', ['2024-01-01T00:01:00.000Z', '2024-01-01T00:02:00.000Z']],
    ['30 2 * * *', '2024-01-01T00:00:00Z', ['2024-01-01T02:30:00.000Z', '2024-01-02T02:30:00.000Z']],
    ['30 2 * * *', '2024-01-01T02:30:00Z', ['2024-01-02T02:30:00.000Z']],
    ['*/15 * * * *', '2024-01-01T00:07:00Z', ['2024-01-01T00:15:00.000Z', '2024-01-01T00:30:00.000Z', '2024-01-01T00:45:00.000Z', '2024-01-01T01:00:00.000Z']],
    ['10-50/20 * * * *', '2024-01-01T00:00:00Z', ['2024-01-01T00:10:00.000Z', '2024-01-01T00:30:00.000Z', '2024-01-01T00:50:00.000Z', '2024-01-01T01:10:00.000Z']],
    ['0 9-17/4 * * *', '2024-01-01T10:00:00Z', ['2024-01-01T13:00:00.000Z', '2024-01-01T17:00:00.000Z', '2024-01-02T09:00:00.000Z']],
    ['5,35 1,13 * * *', '2024-01-01T01:10:00Z', ['2024-01-01T01:35:00.000Z', '2024-01-01T13:05:00.000Z', '2024-01-01T13:35:00.000Z', '2024-01-02T01:05:00.000Z']],
    // Month ends: a day that a month lacks is skipped, not moved.
    ['0 0 31 * *', '2024-01-31T00:00:00Z', ['2024-03-31T00:00:00.000Z', '2024-05-31T00:00:00.000Z', '2024-07-31T00:00:00.000Z', '2024-08-31T00:00:00.000Z']],
    ['0 0 30 * *', '2024-01-30T00:00:00Z', ['2024-03-30T00:00:00.000Z']],
    ['0 12 28-31 2 *', '2023-02-27T00:00:00Z', ['2023-02-28T12:00:00.000Z', '2024-02-28T12:00:00.000Z', '2024-02-29T12:00:00.000Z', '2025-02-28T12:00:00.000Z']],
    // Leap years: Feb 29 runs every four years, and not in 2100.
    ['0 0 29 2 *', '2024-03-01T00:00:00Z', ['2028-02-29T00:00:00.000Z', '2032-02-29T00:00:00.000Z']],
    ['0 0 29 2 *', '2097-01-01T00:00:00Z', ['2104-02-29T00:00:00.000Z']],
    ['0 0 29 feb *', '2000-01-01T00:00:00Z', ['2000-02-29T00:00:00.000Z']],
    // Both day fields restricted: a day matching either runs (crontab(5)). 2024-09-13 is a Friday.
    ['0 0 13 * 5', '2024-09-01T00:00:00Z', ['2024-09-06T00:00:00.000Z', '2024-09-13T00:00:00.000Z', '2024-09-20T00:00:00.000Z', '2024-09-27T00:00:00.000Z', '2024-10-04T00:00:00.000Z', '2024-10-11T00:00:00.000Z', '2024-10-13T00:00:00.000Z']],
    ['0 0 1,15 * mon', '2024-04-01T00:00:00Z', ['2024-04-08T00:00:00.000Z', '2024-04-15T00:00:00.000Z', '2024-04-22T00:00:00.000Z', '2024-04-29T00:00:00.000Z', '2024-05-01T00:00:00.000Z']],
    // A day field starting with "*" counts as unrestricted, so then a day must match both: odd days that are Mondays.
    ['0 0 */2 * 1', '2024-04-01T00:00:00Z', ['2024-04-15T00:00:00.000Z', '2024-04-29T00:00:00.000Z', '2024-05-13T00:00:00.000Z']],
    // Names, in any case, in lists and ranges.
    ['0 8 * * MON-fri', '2024-06-07T09:00:00Z', ['2024-06-10T08:00:00.000Z', '2024-06-11T08:00:00.000Z']],
    ['0 0 1 jan,JUL *', '2024-02-01T00:00:00Z', ['2024-07-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z']],
    ['0 0 1 mar-may/2 *', '2024-01-01T00:00:00Z', ['2024-03-01T00:00:00.000Z', '2024-05-01T00:00:00.000Z', '2025-03-01T00:00:00.000Z']],
    // Day of week 0 and 7 are both Sunday. 2024-06-09 is a Sunday.
    ['0 3 * * 0', '2024-06-05T00:00:00Z', ['2024-06-09T03:00:00.000Z']],
    ['0 3 * * 7', '2024-06-05T00:00:00Z', ['2024-06-09T03:00:00.000Z']],
    ['0 3 * * 5-7', '2024-06-05T00:00:00Z', ['2024-06-07T03:00:00.000Z', '2024-06-08T03:00:00.000Z', '2024-06-09T03:00:00.000Z', '2024-06-14T03:00:00.000Z']],
    // Across a year end.
    ['59 23 31 12 *', '2024-12-31T23:59:00Z', ['2025-12-31T23:59:00.000Z']],
    // Macros.
    ['@hourly', '2024-01-01T00:30:00Z', ['2024-01-01T01:00:00.000Z']],
    ['@daily', '2024-01-01T00:30:00Z', ['2024-01-02T00:00:00.000Z']],
    ['@midnight', '2024-01-01T00:30:00Z', ['2024-01-02T00:00:00.000Z']],
    ['@weekly', '2024-06-05T00:00:00Z', ['2024-06-09T00:00:00.000Z']],
    ['@monthly', '2024-01-31T00:00:00Z', ['2024-02-01T00:00:00.000Z']],
    ['@yearly', '2024-01-01T00:00:00Z', ['2025-01-01T00:00:00.000Z']],
    ['@annually', '2024-01-01T00:00:00Z', ['2025-01-01T00:00:00.000Z']],
    ['@DAILY', '2024-01-01T00:30:00Z', ['2024-01-02T00:00:00.000Z']],
  ])('runs "%s" after %s at %j', (expression, after, expected) => {
    expect(runs(expression, after, expected.length)).toEqual(expected);
  });

  it('returns the next whole minute strictly after a time with seconds and milliseconds', () => {
    expect(runs('* * * * *', '2024-01-01T00:00:59.999Z')).toEqual(['2024-01-01T00:01:00.000Z']);
    expect(runs('30 2 * * *', '2024-01-01T02:29:30Z')).toEqual(['2024-01-01T02:30:00.000Z']);
    expect(runs('30 2 * * *', '2024-01-01T02:30:00.001Z')).toEqual(['2024-01-02T02:30:00.000Z']);
  });

  it('finds a rare run quickly by skipping months and days that cannot match', () => {
    // Feb 29 on a Sunday: "*/7" starts with "*", so both day fields must match. 2032-02-29 and 2060-02-29 are Sundays.
    expect(runs('0 0 29 2 */7', '2024-01-01T00:00:00Z', 2)).toEqual(['2032-02-29T00:00:00.000Z', '2060-02-29T00:00:00.000Z']);
  });

  it('keeps the expression, trimmed, and the canonical time zone', () => {
    const schedule = parseCron('  @daily ', { timeZone: 'Europe/Berlin' });
    expect(schedule.expression).toBe('@daily');
    expect(schedule.timeZone).toBe('Europe/Berlin');
  });

  it("uses the process's time zone when none is given", () => {
    expect(parseCron('0 0 * * *').timeZone).toBe(new Intl.DateTimeFormat().resolvedOptions().timeZone);
  });

  it('refuses an invalid Date in next()', () => {
    expect(() => parseCron('* * * * *', { timeZone: 'UTC' }).next(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('parseCron: time zones', () => {
  it('runs at the wall-clock time of the zone, in winter and in summer', () => {
    expect(runs('30 2 * * *', '2024-01-10T00:00:00Z', 1, 'Europe/Berlin')).toEqual(['2024-01-10T01:30:00.000Z']);
    expect(runs('30 2 * * *', '2024-07-10T00:00:00Z', 1, 'Europe/Berlin')).toEqual(['2024-07-10T00:30:00.000Z']);
    expect(runs('0 0 1 * *', '2024-01-15T00:00:00Z', 2, 'America/New_York')).toEqual(['2024-02-01T05:00:00.000Z', '2024-03-01T05:00:00.000Z']);
    expect(runs('0 0 1 * *', '2024-06-15T00:00:00Z', 1, 'America/New_York')).toEqual(['2024-07-01T04:00:00.000Z']);
  });

  it('counts the day in the zone, not in UTC', () => {
    // 2024-06-09T23:30Z is already Monday 01:30 in Berlin.
    expect(runs('30 1 * * mon', '2024-06-09T00:00:00Z', 1, 'Europe/Berlin')).toEqual(['2024-06-09T23:30:00.000Z']);
    // 2024-06-10T00:00Z is still Sunday 20:00 in New York.
    expect(runs('0 22 * * sun', '2024-06-10T00:00:00Z', 1, 'America/New_York')).toEqual(['2024-06-10T02:00:00.000Z']);
  });

  it('skips a time that the spring-forward jumps over in Europe/Berlin, that day only', () => {
    // 2024-03-31: 02:00 CET jumps to 03:00 CEST, so 02:30 does not exist.
    expect(runs('30 2 * * *', '2024-03-30T12:00:00Z', 2, 'Europe/Berlin')).toEqual(['2024-04-01T00:30:00.000Z', '2024-04-02T00:30:00.000Z']);
    expect(runs('*/15 * * * *', '2024-03-31T00:50:00Z', 2, 'Europe/Berlin')).toEqual(['2024-03-31T01:00:00.000Z', '2024-03-31T01:15:00.000Z']);
    // 03:00 exists and runs as usual.
    expect(runs('0 3 * * *', '2024-03-30T12:00:00Z', 1, 'Europe/Berlin')).toEqual(['2024-03-31T01:00:00.000Z']);
  });

  it('runs a time that the fall-back repeats in Europe/Berlin once, at its first occurrence', () => {
    // 2024-10-27: 03:00 CEST falls back to 02:00 CET, so 02:00-02:59 happens twice (00:00Z-00:59Z and 01:00Z-01:59Z).
    expect(runs('30 2 * * *', '2024-10-26T12:00:00Z', 2, 'Europe/Berlin')).toEqual(['2024-10-27T00:30:00.000Z', '2024-10-28T01:30:00.000Z']);
    expect(runs('*/15 * * * *', '2024-10-27T00:40:00Z', 3, 'Europe/Berlin')).toEqual([
      '2024-10-27T00:45:00.000Z',
      '2024-10-27T02:00:00.000Z',
      '2024-10-27T02:15:00.000Z',
    ]);
    // From inside the second 02:xx hour, the repeated times have already run.
    expect(runs('*/15 * * * *', '2024-10-27T01:10:00Z', 1, 'Europe/Berlin')).toEqual(['2024-10-27T02:00:00.000Z']);
  });

  it('handles both transitions in America/New_York', () => {
    // 2024-03-10: 02:00 EST jumps to 03:00 EDT.
    expect(runs('30 2 * * *', '2024-03-09T00:00:00Z', 2, 'America/New_York')).toEqual(['2024-03-09T07:30:00.000Z', '2024-03-11T06:30:00.000Z']);
    // 2024-11-03: 02:00 EDT falls back to 01:00 EST, so 01:30 happens at 05:30Z and 06:30Z.
    expect(runs('30 1 * * *', '2024-11-03T04:00:00Z', 2, 'America/New_York')).toEqual(['2024-11-03T05:30:00.000Z', '2024-11-04T06:30:00.000Z']);
  });

  it('skips a whole calendar day that the zone left out', () => {
    // Samoa moved across the date line: 2011-12-30 did not happen in Pacific/Apia.
    expect(runs('0 12 30 12 *', '2011-12-01T00:00:00Z', 1, 'Pacific/Apia')).toEqual(['2012-12-29T22:00:00.000Z']);
    expect(runs('0 12 31 12 *', '2011-12-01T00:00:00Z', 1, 'Pacific/Apia')).toEqual(['2011-12-30T22:00:00.000Z']);
  });
});

describe('parseCron: refusals', () => {
  it.each<[string, string]>([
    ['', 'cron expression is empty'],
    ['   ', 'cron expression is empty'],
    ['1 2 3', 'cron expression "1 2 3" has 3 fields, expected 5 (minute hour day-of-month month day-of-week)'],
    ['0 0 * * * *', 'cron expression "0 0 * * * *" has 6 fields, expected 5 (minute hour day-of-month month day-of-week)'],
    ['@reboot', 'unknown cron macro "@reboot", expected one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly'],
    ['60 * * * *', 'cron field "minute": 60 is out of range 0-59'],
    ['0 25 * * *', 'cron field "hour": 25 is out of range 0-23'],
    ['0 0 0 * *', 'cron field "day-of-month": 0 is out of range 1-31'],
    ['0 0 32 * *', 'cron field "day-of-month": 32 is out of range 1-31'],
    ['0 0 * 13 *', 'cron field "month": 13 is out of range 1-12'],
    ['0 0 * 0 *', 'cron field "month": 0 is out of range 1-12'],
    ['0 0 * * 8', 'cron field "day-of-week": 8 is out of range 0-7'],
    ['0 0-24 * * *', 'cron field "hour": 24 is out of range 0-23'],
    ['a * * * *', 'cron field "minute": "a" is not a number'],
    ['1.5 * * * *', 'cron field "minute": "1.5" is not a number'],
    ['0 0 * foo *', 'cron field "month": "foo" is not a number or a month name'],
    ['0 0 * * foo', 'cron field "day-of-week": "foo" is not a number or a day name'],
    ['0 0 * * jan', 'cron field "day-of-week": "jan" is not a number or a day name'],
    ['0 0 mon * *', 'cron field "day-of-month": "mon" is not a number'],
    ['*/0 * * * *', 'cron field "minute": step must be at least 1'],
    ['0 1-5/0 * * *', 'cron field "hour": step must be at least 1'],
    ['*/x * * * *', 'cron field "minute": step "x" is not a number'],
    ['*/5/2 * * * *', 'cron field "minute": "*/5/2" has more than one "/"'],
    ['5/2 * * * *', 'cron field "minute": step "/2" needs "*" or a range before it, as in "*/2"'],
    ['50-10 * * * *', 'cron field "minute": range 50-10 is reversed'],
    ['0 0 * * fri-mon', 'cron field "day-of-week": range fri-mon is reversed'],
    ['-5 * * * *', 'cron field "minute": "-5" is not a value or a range'],
    ['1-2-3 * * * *', 'cron field "minute": "1-2-3" is not a value or a range'],
    ['1,,2 * * * *', 'cron field "minute": empty list item in "1,,2"'],
    ['0 0 31 2 *', 'cron expression "0 0 31 2 *" never runs: day-of-month 31 does not occur in February'],
    ['0 0 30,31 2 *', 'cron expression "0 0 30,31 2 *" never runs: day-of-month 30,31 does not occur in February'],
    ['0 0 31 4,6,9 *', 'cron expression "0 0 31 4,6,9 *" never runs: day-of-month 31 does not occur in April, June or September'],
  ])('refuses %j with %j', (expression, message) => {
    expect(() => parseCron(expression, { timeZone: 'UTC' })).toThrow(new CronError(message));
  });

  it('throws errors that are CronError instances', () => {
    expect(() => parseCron('0 25 * * *')).toThrow(CronError);
  });

  it('accepts a day that only some of the months have, and a day-of-week that makes an impossible day moot', () => {
    expect(runs('0 0 31 2,3 *', '2024-01-01T00:00:00Z')).toEqual(['2024-03-31T00:00:00.000Z']);
    // Both day fields restricted: February Mondays run even though there is no February 31. 2024-02-05 is a Monday.
    expect(runs('0 0 31 2 mon', '2024-01-01T00:00:00Z')).toEqual(['2024-02-05T00:00:00.000Z']);
  });

  it('refuses an unknown time zone', () => {
    expect(() => parseCron('0 0 * * *', { timeZone: 'Mars/Olympus_Mons' })).toThrow(new CronError('unknown time zone "Mars/Olympus_Mons"'));
    expect(() => parseCron('0 0 * * *', { timeZone: '' })).toThrow(new CronError('unknown time zone ""'));
  });
});

describe('describeCron', () => {
  it.each<[string, string]>([
    ['30 2 * * *', 'every day at 02:30'],
    ['0 3 * * 0', 'every Sunday at 03:00'],
    ['0 3 * * SUN', 'every Sunday at 03:00'],
    ['0 3 * * 7', 'every Sunday at 03:00'],
    ['0 9 * * 1-5', 'every weekday at 09:00'],
    ['0 22 * * mon,wed,fri', 'every Monday, Wednesday and Friday at 22:00'],
    ['0 * * * *', 'at minute 0 of every hour'],
    ['15 * * * *', 'at minute 15 of every hour'],
    ['* * * * *', 'every minute'],
    ['*/15 * * * *', 'every 15 minutes'],
    ['0,30 * * * *', 'every 30 minutes'],
    ['0 0,12 * * *', 'every day at 00:00 and 12:00'],
    ['0 4 1 * *', 'on day 1 of every month at 04:00'],
    ['0 0 1 jan *', 'every year on January 1 at 00:00'],
    // Both day fields restricted and one of them full: every day matches.
    ['0 0 1 * 0-6', 'every day at 00:00'],
    ['@hourly', 'at minute 0 of every hour'],
    ['@daily', 'every day at 00:00'],
    ['@midnight', 'every day at 00:00'],
    ['@weekly', 'every Sunday at 00:00'],
    ['@monthly', 'on day 1 of every month at 00:00'],
    ['@yearly', 'every year on January 1 at 00:00'],
  ])('describes %j as %j', (expression, description) => {
    expect(describeCron(expression)).toBe(description);
  });

  it.each([
    '0 0 13 * 5',
    '*/7 * * * *',
    '5,10 * * * *',
    '0 */2 * * *',
    '0 0 */2 * 1',
    '0,30 2 * * *',
    '0 1,2,3,4,5 * * *',
    '0 3 * 6 *',
    '0 0 1,15 * *',
  ])('falls back to the expression itself for %j', (expression) => {
    expect(describeCron(expression)).toBe(expression);
  });

  it('refuses an invalid expression like parseCron does', () => {
    expect(() => describeCron('0 25 * * *')).toThrow(new CronError('cron field "hour": 25 is out of range 0-23'));
  });
});
