import { describe, expect, it } from 'vitest';
import { backupFileName, parseBackupFileName, selectForDeletion } from '../../server/src/backup/retention.ts';

interface Backup {
  name: string;
  createdAt: Date;
}

/** Backups made at the given UTC times, named as the schedule names them. */
function backupsAt(...isoTimes: string[]): Backup[] {
  return isoTimes.map((iso) => {
    const createdAt = new Date(iso);
    return { name: backupFileName(createdAt), createdAt };
  });
}

/** The creation times of what the policy keeps and removes, newest first. */
function select(backups: Backup[], keepDaily: number, keepWeekly: number, timeZone = 'UTC') {
  const { keep, remove } = selectForDeletion(backups, { keepDaily, keepWeekly }, timeZone);
  const times = (list: Backup[]) => list.map((backup) => backup.createdAt.toISOString().slice(0, 16));
  return { keep: times(keep), remove: times(remove) };
}

describe('backupFileName and parseBackupFileName', () => {
  it('names a backup after its UTC creation time, to the second', () => {
    expect(backupFileName(new Date('2024-03-05T07:08:09.500Z'))).toBe('gatehouse-20240305-070809.ghbk');
    expect(backupFileName(new Date('2024-12-31T23:59:59+01:00'))).toBe('gatehouse-20241231-225959.ghbk');
  });

  it('reads back the time it wrote', () => {
    for (const iso of ['2024-02-29T23:59:59.000Z', '2000-01-01T00:00:00.000Z', '2099-12-31T12:34:56.000Z']) {
      expect(parseBackupFileName(backupFileName(new Date(iso)))?.toISOString()).toBe(iso);
    }
  });

  it.each([
    'gatehouse-20240305-070809.ghbk.tmp',
    'xgatehouse-20240305-070809.ghbk',
    'gatehouse-20240305-070809.ghbk ',
    'gatehouse-20240305-070809.ghbk\n',
    'gatehouse-20240305-070809.GHBK',
    'Gatehouse-20240305-070809.ghbk',
    'gatehouse-2024035-070809.ghbk',
    'gatehouse-20240305-0708091.ghbk',
    'gatehouse-20240305070809.ghbk',
    'gatehouse-2024-03-05-070809.ghbk',
    'gatehouse-20230229-000000.ghbk',
    'gatehouse-20241301-000000.ghbk',
    'gatehouse-20240100-000000.ghbk',
    'gatehouse-20240101-240000.ghbk',
    'gatehouse-20240101-006000.ghbk',
    'gatehouse-20240101-000060.ghbk',
    'gatehouse-２0240101-000000.ghbk',
    'notes.txt',
    '',
  ])('does not take %j for a backup', (name) => {
    expect(parseBackupFileName(name)).toBeNull();
  });

  it('refuses to name an invalid date', () => {
    expect(() => backupFileName(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('selectForDeletion', () => {
  it('keeps the newest backup of each of the most recent days that have backups', () => {
    const backups = backupsAt(
      '2024-05-10T02:00:00Z',
      '2024-05-10T14:00:00Z',
      '2024-05-10T20:00:00Z',
      '2024-05-09T02:00:00Z',
      '2024-05-09T14:00:00Z',
      '2024-05-08T02:00:00Z',
    );
    expect(select(backups, 2, 0)).toEqual({
      keep: ['2024-05-10T20:00', '2024-05-09T14:00'],
      remove: ['2024-05-10T14:00', '2024-05-10T02:00', '2024-05-09T02:00', '2024-05-08T02:00'],
    });
  });

  it('counts only days that have backups, reaching past gaps', () => {
    const backups = backupsAt('2024-05-10T02:00:00Z', '2024-05-01T02:00:00Z', '2024-04-20T02:00:00Z', '2024-04-19T02:00:00Z');
    expect(select(backups, 3, 0)).toEqual({
      keep: ['2024-05-10T02:00', '2024-05-01T02:00', '2024-04-20T02:00'],
      remove: ['2024-04-19T02:00'],
    });
  });

  it('keeps everything when there are fewer days than keepDaily', () => {
    const backups = backupsAt('2024-05-10T02:00:00Z', '2024-05-09T02:00:00Z');
    expect(select(backups, 7, 0)).toEqual({ keep: ['2024-05-10T02:00', '2024-05-09T02:00'], remove: [] });
  });

  it('keeps the newest backup of each of the most recent ISO weeks, which start on Monday', () => {
    // 2024-05-13 is a Monday; 2024-05-12 is the Sunday before it.
    const backups = backupsAt(
      '2024-05-14T02:00:00Z',
      '2024-05-13T00:00:00Z',
      '2024-05-12T23:59:00Z',
      '2024-05-06T02:00:00Z',
      '2024-05-05T02:00:00Z',
    );
    expect(select(backups, 0, 2)).toEqual({
      keep: ['2024-05-14T02:00', '2024-05-12T23:59'],
      remove: ['2024-05-13T00:00', '2024-05-06T02:00', '2024-05-05T02:00'],
    });
  });

  it('keeps one backup per ISO week across a year end, where a week belongs to the year of its Thursday', () => {
    // 2024-12-30 (Monday) to 2025-01-05 is 2025-W01; 2024-12-23 to 2024-12-29 is 2024-W52.
    const backups = backupsAt(
      '2025-01-05T10:00:00Z',
      '2025-01-01T10:00:00Z',
      '2024-12-31T10:00:00Z',
      '2024-12-30T10:00:00Z',
      '2024-12-29T10:00:00Z',
      '2024-12-23T10:00:00Z',
      '2024-12-22T10:00:00Z',
    );
    expect(select(backups, 0, 3)).toEqual({
      keep: ['2025-01-05T10:00', '2024-12-29T10:00', '2024-12-22T10:00'],
      remove: ['2025-01-01T10:00', '2024-12-31T10:00', '2024-12-30T10:00', '2024-12-23T10:00'],
    });
    // 2020 has 53 ISO weeks: 2020-12-28 to 2021-01-03 is 2020-W53, and 2021-01-04 starts 2021-W01.
    const aroundWeek53 = backupsAt('2021-01-04T10:00:00Z', '2021-01-03T10:00:00Z', '2021-01-01T10:00:00Z', '2020-12-28T10:00:00Z', '2020-12-27T10:00:00Z');
    expect(select(aroundWeek53, 0, 3)).toEqual({
      keep: ['2021-01-04T10:00', '2021-01-03T10:00', '2020-12-27T10:00'],
      remove: ['2021-01-01T10:00', '2020-12-28T10:00'],
    });
  });

  it('keeps what either rule keeps, and a backup kept by both only once', () => {
    // Daily keeps 05-14 and 05-13; weekly keeps 05-14 (this week) and 05-12 (last week).
    const backups = backupsAt('2024-05-14T02:00:00Z', '2024-05-13T02:00:00Z', '2024-05-12T02:00:00Z', '2024-05-11T02:00:00Z', '2024-05-10T02:00:00Z');
    expect(select(backups, 2, 2)).toEqual({
      keep: ['2024-05-14T02:00', '2024-05-13T02:00', '2024-05-12T02:00'],
      remove: ['2024-05-11T02:00', '2024-05-10T02:00'],
    });
  });

  it('always keeps the very newest backup', () => {
    const backups = backupsAt('2024-05-14T02:00:00Z', '2024-05-13T02:00:00Z');
    expect(select(backups, 1, 0)).toEqual({ keep: ['2024-05-14T02:00'], remove: ['2024-05-13T02:00'] });
    expect(select(backups, 0, 1)).toEqual({ keep: ['2024-05-14T02:00'], remove: ['2024-05-13T02:00'] });
  });

  it('counts days and weeks in the given time zone', () => {
    // 23:30Z on 05-10 is already 05-11 01:30 in Berlin, so in Berlin both backups fall on the same day.
    const backups = backupsAt('2024-05-11T00:30:00Z', '2024-05-10T23:30:00Z');
    expect(select(backups, 2, 0, 'UTC')).toEqual({ keep: ['2024-05-11T00:30', '2024-05-10T23:30'], remove: [] });
    expect(select(backups, 2, 0, 'Europe/Berlin')).toEqual({ keep: ['2024-05-11T00:30'], remove: ['2024-05-10T23:30'] });
    // Sunday 2024-05-12 23:30Z is Monday 01:30 in Berlin: a new ISO week there, the same week in UTC.
    const aroundMonday = backupsAt('2024-05-13T10:00:00Z', '2024-05-12T23:30:00Z');
    expect(select(aroundMonday, 0, 2, 'UTC')).toEqual({ keep: ['2024-05-13T10:00', '2024-05-12T23:30'], remove: [] });
    expect(select(aroundMonday, 0, 2, 'Europe/Berlin')).toEqual({ keep: ['2024-05-13T10:00'], remove: ['2024-05-12T23:30'] });
  });

  it('gives the same answer whatever the input order', () => {
    const backups = backupsAt(
      '2024-05-10T02:00:00Z',
      '2024-05-10T14:00:00Z',
      '2024-05-09T02:00:00Z',
      '2024-05-02T02:00:00Z',
      '2024-04-20T02:00:00Z',
    );
    const expected = select(backups, 1, 2);
    expect(expected).toEqual({
      keep: ['2024-05-10T14:00', '2024-05-02T02:00'],
      remove: ['2024-05-10T02:00', '2024-05-09T02:00', '2024-04-20T02:00'],
    });
    expect(select([...backups].reverse(), 1, 2)).toEqual(expected);
    expect(select([backups[2]!, backups[4]!, backups[0]!, backups[3]!, backups[1]!], 1, 2)).toEqual(expected);
  });

  it('orders backups made at the same time by name, so the choice does not depend on input order', () => {
    const createdAt = new Date('2024-05-10T02:00:00Z');
    const a = { name: 'a', createdAt };
    const b = { name: 'b', createdAt };
    expect(selectForDeletion([a, b], { keepDaily: 1, keepWeekly: 0 }, 'UTC')).toEqual({ keep: [b], remove: [a] });
    expect(selectForDeletion([b, a], { keepDaily: 1, keepWeekly: 0 }, 'UTC')).toEqual({ keep: [b], remove: [a] });
  });

  it('returns the very objects it was given, with their other properties', () => {
    const backup = { name: 'x', createdAt: new Date('2024-05-10T02:00:00Z'), sizeBytes: 42 };
    const { keep } = selectForDeletion([backup], { keepDaily: 1, keepWeekly: 0 }, 'UTC');
    expect(keep[0]).toBe(backup);
  });

  it('keeps nothing and removes nothing when there are no backups', () => {
    expect(selectForDeletion([], { keepDaily: 1, keepWeekly: 1 })).toEqual({ keep: [], remove: [] });
  });

  it('refuses a backup listed twice by name', () => {
    const [backup] = backupsAt('2024-05-10T02:00:00Z');
    const copy = { ...backup!, createdAt: new Date('2024-05-11T02:00:00Z') };
    expect(() => selectForDeletion([backup!, copy], { keepDaily: 1, keepWeekly: 0 })).toThrow(
      'backup "gatehouse-20240510-020000.ghbk" is listed twice',
    );
  });

  it('refuses a backup with an invalid creation time', () => {
    expect(() => selectForDeletion([{ name: 'x', createdAt: new Date(Number.NaN) }], { keepDaily: 1, keepWeekly: 0 })).toThrow(
      new RangeError('backup "x" has an invalid createdAt'),
    );
  });

  it.each<[number, number, string]>([
    [0, 0, 'keepDaily + keepWeekly must be at least 1, or every backup but the newest would be removed'],
    [-1, 3, 'keepDaily must be a whole number of at least 0, not -1'],
    [1.5, 0, 'keepDaily must be a whole number of at least 0, not 1.5'],
    [1, Number.NaN, 'keepWeekly must be a whole number of at least 0, not NaN'],
    [1, Infinity, 'keepWeekly must be a whole number of at least 0, not Infinity'],
  ])('refuses keepDaily %d and keepWeekly %d', (keepDaily, keepWeekly, message) => {
    expect(() => selectForDeletion(backupsAt('2024-05-10T02:00:00Z'), { keepDaily, keepWeekly })).toThrow(new RangeError(message));
  });

  it('refuses an unknown time zone', () => {
    expect(() => selectForDeletion(backupsAt('2024-05-10T02:00:00Z'), { keepDaily: 1, keepWeekly: 0 }, 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});

describe('scheduled backup file names', () => {
  it('carry the installation tag, and only this installation\'s scheduled names parse', async () => {
    const { scheduledBackupFileName, parseScheduledBackupFileName, backupFileName } = await import('../../server/src/backup/retention.ts');
    const date = new Date(Date.UTC(2026, 10, 28, 2, 30, 5));
    const name = scheduledBackupFileName(date, '0a1b2c3d');
    expect(name).toBe('gatehouse-auto-0a1b2c3d-20261128-023005.ghbk');
    expect(parseScheduledBackupFileName(name, '0a1b2c3d')?.getTime()).toBe(date.getTime());
    // Another installation's, and an admin's own backup, are not this schedule's to delete.
    expect(parseScheduledBackupFileName(name, 'ffffffff')).toBeNull();
    expect(parseScheduledBackupFileName(backupFileName(date), '0a1b2c3d')).toBeNull();
    expect(parseScheduledBackupFileName(`${name}.bak`, '0a1b2c3d')).toBeNull();
    expect(() => scheduledBackupFileName(date, 'XYZ')).toThrow(RangeError);
  });
});
