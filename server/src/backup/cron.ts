// Five-field cron expressions as crontab(5) defines them, evaluated in an IANA time zone.
// Pure logic: the only outside state read is the time zone database, through Intl.DateTimeFormat.
//
// Semantics worth knowing:
// - Day of month and day of week: crontab(5) runs on a day matching EITHER field when both are restricted.
//   Like Vixie cron and cronie, a field that starts with "*" (also "*/2") counts as unrestricted, and then a day must match both.
// - DST: a wall-clock time skipped by a spring-forward does not run that day (no catch-up run after the gap).
//   A wall-clock time repeated by a fall-back runs once, at its first occurrence.
//   So "*/15 * * * *" in Europe/Berlin does not run during the repeated hour 02:00-02:59 of the last Sunday of October.

export class CronError extends Error {
  override readonly name = 'CronError';
}

export interface CronSchedule {
  /** The expression as given, trimmed. */
  readonly expression: string;
  /** The canonical IANA name of the zone the expression is evaluated in. */
  readonly timeZone: string;
  /** The first run strictly after `after`, on a whole minute. */
  next(after: Date): Date;
}

/** The parsed fields, each a sorted list of the values it allows. */
interface CronFields {
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly daysOfMonth: readonly number[];
  /** 1 = January. */
  readonly months: readonly number[];
  /** 0 = Sunday; a 7 in the expression is stored as 0. */
  readonly daysOfWeek: readonly number[];
  /** crontab(5): 'either' when both day fields are restricted, otherwise a day must match 'both'. */
  readonly dayMatching: 'either' | 'both';
}

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Three-letter names, the first standing for `min`. */
  readonly names?: readonly string[];
}

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const FIELD_SPECS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  // crontab(5): 0 and 7 are both Sunday.
  { name: 'day-of-week', min: 0, max: 7, names: DAY_NAMES },
];

// crontab(5) "@" nicknames; @reboot is not a schedule and is refused as unknown.
const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
// The calendar repeats every 400 years, so a search that finds nothing within them never will.
const SEARCH_LIMIT_YEARS = 401;

export function parseCron(expression: string, options: { timeZone?: string } = {}): CronSchedule {
  const trimmed = expression.trim();
  const fields = parseFields(trimmed);
  const timeZone = resolveTimeZone(options.timeZone);
  return {
    expression: trimmed,
    timeZone,
    next: (after) => nextRun(fields, timeZone, after),
  };
}

/** Short English for the common shapes, the expression itself for the rest; throws CronError like parseCron. */
export function describeCron(expression: string): string {
  const trimmed = expression.trim();
  return describeFields(parseFields(trimmed)) ?? trimmed;
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing

function parseFields(expression: string): CronFields {
  if (expression === '') throw new CronError('cron expression is empty');
  const source = expression.startsWith('@') ? expandMacro(expression) : expression;
  const texts = source.split(/\s+/);
  if (texts.length !== FIELD_SPECS.length) {
    throw new CronError(
      `cron expression "${expression}" has ${texts.length} field${texts.length === 1 ? '' : 's'}, ` +
        'expected 5 (minute hour day-of-month month day-of-week)',
    );
  }
  const [minutes, hours, daysOfMonth, months, rawDaysOfWeek] = FIELD_SPECS.map((spec, i) => parseField(texts[i]!, spec));
  const daysOfWeek = sortedUnique(rawDaysOfWeek!.map((day) => day % 7));
  const domUnrestricted = texts[2]!.startsWith('*');
  const dowUnrestricted = texts[4]!.startsWith('*');
  const fields: CronFields = {
    minutes: minutes!,
    hours: hours!,
    daysOfMonth: daysOfMonth!,
    months: months!,
    daysOfWeek,
    dayMatching: domUnrestricted || dowUnrestricted ? 'both' : 'either',
  };
  refuseImpossibleDays(expression, fields);
  return fields;
}

function expandMacro(expression: string): string {
  const expansion = MACROS[expression.toLowerCase()];
  if (expansion === undefined) {
    throw new CronError(`unknown cron macro "${expression}", expected one of ${Object.keys(MACROS).join(', ')}`);
  }
  return expansion;
}

/** A comma-separated list of `*`, `N`, `N-M`, each of the two last optionally with `/STEP`. */
function parseField(text: string, spec: FieldSpec): number[] {
  const values: number[] = [];
  for (const item of text.split(',')) {
    if (item === '') throw new CronError(`cron field "${spec.name}": empty list item in "${text}"`);
    const [rangeText, stepText, extra] = item.split('/');
    if (extra !== undefined) throw new CronError(`cron field "${spec.name}": "${item}" has more than one "/"`);
    const step = stepText === undefined ? 1 : parseStep(stepText, spec);
    let start: number;
    let end: number;
    if (rangeText === '*') {
      start = spec.min;
      end = spec.max;
    } else {
      const [startText, endText, extraEnd] = rangeText!.split('-');
      if (startText === '' || endText === '' || extraEnd !== undefined) {
        throw new CronError(`cron field "${spec.name}": "${rangeText}" is not a value or a range`);
      }
      start = parseValue(startText!, spec);
      end = endText === undefined ? start : parseValue(endText, spec);
      if (endText === undefined && stepText !== undefined) {
        throw new CronError(`cron field "${spec.name}": step "/${stepText}" needs "*" or a range before it, as in "*/${stepText}"`);
      }
      if (start > end) throw new CronError(`cron field "${spec.name}": range ${rangeText} is reversed`);
    }
    for (let value = start; value <= end; value += step) values.push(value);
  }
  return sortedUnique(values);
}

function parseStep(text: string, spec: FieldSpec): number {
  if (!/^\d+$/.test(text)) throw new CronError(`cron field "${spec.name}": step "${text}" is not a number`);
  const step = Number(text);
  if (step === 0) throw new CronError(`cron field "${spec.name}": step must be at least 1`);
  return step;
}

function parseValue(text: string, spec: FieldSpec): number {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (value < spec.min || value > spec.max) {
      throw new CronError(`cron field "${spec.name}": ${value} is out of range ${spec.min}-${spec.max}`);
    }
    return value;
  }
  const nameIndex = spec.names?.indexOf(text.toLowerCase()) ?? -1;
  if (nameIndex >= 0) return spec.min + nameIndex;
  const expected = spec.names ? `a number or a ${spec.name === 'month' ? 'month' : 'day'} name` : 'a number';
  throw new CronError(`cron field "${spec.name}": "${text}" is not ${expected}`);
}

/** Refuses an expression whose days of month occur in none of its months, like "0 0 31 2 *". */
function refuseImpossibleDays(expression: string, fields: CronFields): void {
  // With 'either', any day of the chosen weekdays matches; with 'both', every valid date falls on every weekday in some year.
  if (fields.dayMatching === 'either') return;
  // February counts with 29 days: it runs in leap years.
  const longestMonth = (month: number) => daysInMonth(2000, month);
  if (fields.months.some((month) => fields.daysOfMonth[0]! <= longestMonth(month))) return;
  const monthNames = fields.months.map((month) => MONTH_LONG_NAMES[month - 1]!);
  throw new CronError(
    `cron expression "${expression}" never runs: day-of-month ${fields.daysOfMonth.join(',')} ` +
      `does not occur in ${joinWords(monthNames, 'or')}`,
  );
}

function resolveTimeZone(timeZone: string | undefined): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    throw new CronError(`unknown time zone "${timeZone}"`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Next run
//
// The search walks wall-clock time, held as the UTC timestamp with the same calendar fields ("wall ms"),
// so Date's UTC arithmetic does the carrying, and jumps over whole months, days and hours that cannot match.

function nextRun(fields: CronFields, timeZone: string, after: Date): Date {
  const afterMs = after.getTime();
  if (Number.isNaN(afterMs)) throw new RangeError('next() needs a valid Date');
  let wall = Math.floor(wallClockMs(after, timeZone) / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  const lastYear = new Date(wall).getUTCFullYear() + SEARCH_LIMIT_YEARS;

  while (true) {
    const date = new Date(wall);
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth() + 1;
    if (year > lastYear) throw new Error(`cron expression never runs in ${timeZone} after ${after.toISOString()}`);

    if (!fields.months.includes(month)) {
      const nextMonth = firstAtLeast(fields.months, month);
      wall = nextMonth === undefined ? Date.UTC(year + 1, fields.months[0]! - 1, 1) : Date.UTC(year, nextMonth - 1, 1);
      continue;
    }
    const day = date.getUTCDate();
    if (!dayMatches(fields, day, date.getUTCDay())) {
      wall = Date.UTC(year, month - 1, day + 1);
      continue;
    }
    const hour = firstAtLeast(fields.hours, date.getUTCHours());
    if (hour === undefined) {
      wall = Date.UTC(year, month - 1, day + 1);
      continue;
    }
    if (hour !== date.getUTCHours()) {
      wall = Date.UTC(year, month - 1, day, hour);
      continue;
    }
    const minute = firstAtLeast(fields.minutes, date.getUTCMinutes());
    if (minute === undefined) {
      wall = Date.UTC(year, month - 1, day, hour + 1);
      continue;
    }
    const candidate = wallToInstant(Date.UTC(year, month - 1, day, hour, minute), timeZone);
    // null: skipped by a spring-forward; not after `after`: a repeated wall time whose first occurrence has passed.
    if (candidate !== null && candidate > afterMs) return new Date(candidate);
    wall = Date.UTC(year, month - 1, day, hour, minute + 1);
  }
}

function dayMatches(fields: CronFields, dayOfMonth: number, dayOfWeek: number): boolean {
  const byMonthDay = fields.daysOfMonth.includes(dayOfMonth);
  const byWeekDay = fields.daysOfWeek.includes(dayOfWeek);
  return fields.dayMatching === 'either' ? byMonthDay || byWeekDay : byMonthDay && byWeekDay;
}

/**
 * The earliest instant whose wall clock in `timeZone` reads `wall`, or null when a transition skips it.
 * An instant t shows t + offset(t); the offsets in force a day either side cover any one transition near `wall`.
 */
function wallToInstant(wall: number, timeZone: string): number | null {
  let earliest: number | null = null;
  for (const probe of [wall - DAY_MS, wall, wall + DAY_MS]) {
    const instant = wall - offsetMs(probe, timeZone);
    if (offsetMs(instant, timeZone) === wall - instant && (earliest === null || instant < earliest)) earliest = instant;
  }
  return earliest;
}

function offsetMs(instant: number, timeZone: string): number {
  const wholeSecond = Math.floor(instant / 1000) * 1000;
  return wallClockMs(new Date(wholeSecond), timeZone) - wholeSecond;
}

// ---------------------------------------------------------------------------------------------------------------
// Wall clock, shared with retention.ts

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The wall-clock time of `instant` in `timeZone` (default: the process's zone), to the second,
 * expressed as the UTC timestamp with the same calendar fields: read it back with getUTCFullYear() and friends.
 * Throws RangeError for an unknown zone.
 */
export function wallClockMs(instant: Date, timeZone?: string): number {
  const key = timeZone ?? '';
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(key, formatter);
  }
  const part: Record<string, string> = {};
  for (const { type, value } of formatter.formatToParts(instant)) part[type] = value;
  const year = part.era === 'BC' ? 1 - Number(part.year) : Number(part.year);
  const wall = new Date(0);
  // setUTCFullYear, unlike Date.UTC, takes years 0-99 literally.
  wall.setUTCFullYear(year, Number(part.month) - 1, Number(part.day));
  wall.setUTCHours(Number(part.hour), Number(part.minute), Number(part.second), 0);
  return wall.getTime();
}

// ---------------------------------------------------------------------------------------------------------------
// Description

const MONTH_LONG_NAMES = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];
const DAY_LONG_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
// More run times a day than this read better as the expression itself.
const MAX_DESCRIBED_TIMES = 4;

function describeFields(fields: CronFields): string | null {
  const everyMinute = isFull(fields.minutes, 0, 59);
  const everyHour = isFull(fields.hours, 0, 23);
  const everyMonthDay = isFull(fields.daysOfMonth, 1, 31);
  const everyMonth = isFull(fields.months, 1, 12);
  const everyWeekDay = isFull(fields.daysOfWeek, 0, 6);
  const either = fields.dayMatching === 'either';
  // With 'either', one full day field makes every day match, as in "0 0 1 * 0-6".
  const everyDay = either ? everyMonthDay || everyWeekDay : everyMonthDay && everyWeekDay;
  const weekDaysOnly = !either && everyMonthDay && !everyWeekDay;
  const monthDaysOnly = !either && everyWeekDay && !everyMonthDay;

  if (everyHour && everyDay && everyMonth) {
    if (everyMinute) return 'every minute';
    const step = fields.minutes[1];
    if (fields.minutes.length === 1) return `at minute ${fields.minutes[0]} of every hour`;
    if (fields.minutes[0] === 0 && step !== undefined && 60 % step === 0 && isArithmetic(fields.minutes, step, 60)) {
      return `every ${step} minutes`;
    }
    return null;
  }

  if (fields.minutes.length !== 1 || everyHour || fields.hours.length > MAX_DESCRIBED_TIMES) return null;
  const times = joinWords(fields.hours.map((hour) => `${pad2(hour)}:${pad2(fields.minutes[0]!)}`), 'and');

  if (everyDay && everyMonth) return `every day at ${times}`;
  if (weekDaysOnly && everyMonth) {
    if (fields.daysOfWeek.join() === '1,2,3,4,5') return `every weekday at ${times}`;
    return `every ${joinWords(fields.daysOfWeek.map((day) => DAY_LONG_NAMES[day]!), 'and')} at ${times}`;
  }
  if (monthDaysOnly && fields.daysOfMonth.length === 1) {
    const day = fields.daysOfMonth[0]!;
    if (everyMonth) return `on day ${day} of every month at ${times}`;
    if (fields.months.length === 1) return `every year on ${MONTH_LONG_NAMES[fields.months[0]! - 1]} ${day} at ${times}`;
  }
  return null;
}

function isFull(values: readonly number[], min: number, max: number): boolean {
  return values.length === max - min + 1;
}

/** Whether `values` is 0, step, 2·step, … up to below `limit`. */
function isArithmetic(values: readonly number[], step: number, limit: number): boolean {
  return values.length === limit / step && values.every((value, i) => value === i * step);
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

function sortedUnique(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

/** The first of the sorted `values` that is at least `value`. */
function firstAtLeast(values: readonly number[], value: number): number | undefined {
  return values.find((candidate) => candidate >= value);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function joinWords(words: readonly string[], conjunction: 'and' | 'or'): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} ${conjunction} ${words.at(-1)}`;
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}
