// Which scheduled backups to keep, like restic's --keep-daily / --keep-weekly.
// Pure logic: the caller lists the files and deletes what `remove` names.

import { wallClockMs } from './cron.ts';

export interface RetentionPolicy {
  /** Keep the newest backup of each of this many most recent calendar days that have backups. */
  keepDaily: number;
  /** Keep the newest backup of each of this many most recent ISO weeks that have backups. */
  keepWeekly: number;
}

const DAY_MS = 86_400_000;

// gatehouse-YYYYMMDD-HHMMSS.ghbk, in UTC, and nothing around it.
const BACKUP_FILE_NAME = /^gatehouse-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})\.ghbk$/;

/** The file name of a backup created at `date`, to the second in UTC. */
export function backupFileName(date: Date): string {
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999) {
    throw new RangeError(`a backup file name needs a date in the years 0000-9999, not ${String(date)}`);
  }
  const day = `${pad(year, 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}`;
  const time = `${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`;
  return `gatehouse-${day}-${time}.ghbk`;
}

/** The creation time named by a backup file name, or null for any other name (also an impossible date like 20230229). */
export function parseBackupFileName(name: string): Date | null {
  const match = BACKUP_FILE_NAME.exec(name);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, takes years 0-99 literally.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  // Date carries overflowing fields (month 13, hour 24) into the next unit; a round trip catches that.
  return backupFileName(date) === name ? date : null;
}

/**
 * Scheduled backups have names of their own, `gatehouse-auto-<tag>-YYYYMMDD-HHMMSS.ghbk`, so retention never
 * touches a backup an admin made (`gatehouse-YYYYMMDD-HHMMSS.ghbk`) nor another installation's in a shared folder.
 * `tag` names the installation: 8 lower-case hex characters (see installationTag in service.ts).
 */
export function scheduledBackupFileName(date: Date, tag: string): string {
  if (!/^[0-9a-f]{8}$/.test(tag)) throw new RangeError(`an installation tag is 8 lower-case hex characters, not "${tag}"`);
  return backupFileName(date).replace(/^gatehouse-/, `gatehouse-auto-${tag}-`);
}

/** The creation time of this installation's scheduled backup file, or null for any other name. */
export function parseScheduledBackupFileName(name: string, tag: string): Date | null {
  const prefix = `gatehouse-auto-${tag}-`;
  if (!/^[0-9a-f]{8}$/.test(tag) || !name.startsWith(prefix)) return null;
  return parseBackupFileName(`gatehouse-${name.slice(prefix.length)}`);
}

/**
 * Splits `backups` into those to keep and those to remove, each newest first.
 * Days and ISO weeks are calendar days and weeks in `timeZone` (default: the process's zone).
 * The newest backup is always kept. Input order does not matter: equal times are ordered by name.
 */
export function selectForDeletion<T extends { name: string; createdAt: Date }>(
  backups: T[],
  policy: RetentionPolicy,
  timeZone?: string,
): { keep: T[]; remove: T[] } {
  checkPolicy(policy);
  const newestFirst = sortNewestFirst(backups);

  const kept = new Set<T>(newestFirst.slice(0, 1));
  for (const backup of newestOfEachPeriod(newestFirst, policy.keepDaily, (b) => dayKey(b.createdAt, timeZone))) kept.add(backup);
  for (const backup of newestOfEachPeriod(newestFirst, policy.keepWeekly, (b) => isoWeekKey(b.createdAt, timeZone))) kept.add(backup);

  return {
    keep: newestFirst.filter((backup) => kept.has(backup)),
    remove: newestFirst.filter((backup) => !kept.has(backup)),
  };
}

function checkPolicy(policy: RetentionPolicy): void {
  for (const [name, count] of Object.entries({ keepDaily: policy.keepDaily, keepWeekly: policy.keepWeekly })) {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`${name} must be a whole number of at least 0, not ${count}`);
  }
  if (policy.keepDaily + policy.keepWeekly < 1) {
    throw new RangeError('keepDaily + keepWeekly must be at least 1, or every backup but the newest would be removed');
  }
}

function sortNewestFirst<T extends { name: string; createdAt: Date }>(backups: readonly T[]): T[] {
  const names = new Set<string>();
  for (const backup of backups) {
    if (names.has(backup.name)) throw new Error(`backup "${backup.name}" is listed twice`);
    names.add(backup.name);
    if (Number.isNaN(backup.createdAt.getTime())) throw new RangeError(`backup "${backup.name}" has an invalid createdAt`);
  }
  return [...backups].sort(
    (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0),
  );
}

/** The first (newest) backup of each of the first `periods` distinct periods in `newestFirst`. */
function newestOfEachPeriod<T>(newestFirst: readonly T[], periods: number, periodOf: (backup: T) => string): T[] {
  const seen = new Set<string>();
  const newest: T[] = [];
  for (const backup of newestFirst) {
    if (seen.size === periods) break;
    const period = periodOf(backup);
    if (seen.has(period)) continue;
    seen.add(period);
    newest.push(backup);
  }
  return newest;
}

/** The calendar day of `instant` in `timeZone`, as YYYY-MM-DD. */
function dayKey(instant: Date, timeZone: string | undefined): string {
  return new Date(wallClockMs(instant, timeZone)).toISOString().slice(0, 10);
}

/** The ISO 8601 week of the calendar day of `instant` in `timeZone`, as YYYY-Www. */
function isoWeekKey(instant: Date, timeZone: string | undefined): string {
  const day = new Date(Math.floor(wallClockMs(instant, timeZone) / DAY_MS) * DAY_MS);
  // ISO 8601: weeks start on Monday, and a week belongs to the year that holds its Thursday.
  const mondayBased = (day.getUTCDay() + 6) % 7;
  day.setUTCDate(day.getUTCDate() + 3 - mondayBased);
  const weekYear = day.getUTCFullYear();
  const week = 1 + Math.floor((day.getTime() - Date.UTC(weekYear, 0, 1)) / (7 * DAY_MS));
  return `${weekYear}-W${pad(week)}`;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}
