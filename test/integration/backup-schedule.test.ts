// Scheduled backups against a real PostgreSQL: settings refused with clear messages, a due run that writes the
// backup and applies retention (never touching files it did not make), and a failure that leaves an event.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import type { BackupService } from '../../server/src/backup/service.ts';
import { backupFileName, scheduledBackupFileName } from '../../server/src/backup/retention.ts';
import { SecretBox } from '../../server/src/secrets/secret-box.ts';
import { randomBytes } from 'node:crypto';
import { SCHEDULE_JOB } from '../../server/src/backup/index.ts';

describe('scheduled backups', () => {
  let app: TestApp;
  let backup: BackupService;
  let destination: string;

  beforeAll(async () => {
    app = await createTestApp();
    backup = app.service<BackupService>('backup');
    destination = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-schedule-'));
  });

  afterAll(async () => {
    await app?.close();
    fs.rmSync(destination, { recursive: true, force: true });
  });

  it('is off by default, and refuses bad settings with what to do', async () => {
    const schedule = await backup.getSchedule();
    expect(schedule.enabled).toBe(false);
    expect(schedule.nextRunAt).toBeNull();
    expect(await backup.runScheduledIfDue()).toBeNull();
    await expect(backup.setSchedule({ cron: '61 * * * *' })).rejects.toThrow(/minute/);
    await expect(backup.setSchedule({ cron: '0 3 * * *', timeZone: 'Mars/Olympus' })).rejects.toThrow(/time zone/);
    await expect(backup.setSchedule({ enabled: true })).rejects.toThrow(/need a passphrase/);
    await expect(backup.setSchedule({ destination: 'relative/folder' })).rejects.toThrow(/absolute folder/);
    await expect(backup.setSchedule({ keepDaily: 0, keepWeekly: 0 })).rejects.toThrow(/Keep at least one/);
    await expect(backup.setSchedule({ passphrase: 'short' })).rejects.toThrow(/at least 12 characters/);
    expect((await backup.getSchedule()).enabled).toBe(false);
  });

  it('describes the schedule and its next run, and never returns the passphrase', async () => {
    const view = await backup.setSchedule({ enabled: true, cron: '30 2 * * *', timeZone: 'UTC', destination, keepDaily: 2, keepWeekly: 1, passphrase: 'scheduled passphrase 1' });
    expect(view.description).toMatch(/02:30/);
    expect(view.hasPassphrase).toBe(true);
    expect(JSON.stringify(view)).not.toContain('scheduled passphrase 1');
    expect(new Date(view.nextRunAt!).getUTCHours()).toBe(2);
    expect(new Date(view.nextRunAt!).getUTCMinutes()).toBe(30);
    const { rows } = await app.platform.pool.query<{ value: unknown }>(`SELECT value FROM settings WHERE key = 'backup.schedule'`);
    expect(JSON.stringify(rows[0]!.value)).not.toContain('scheduled passphrase 1');
  });

  it('runs when due, writes into the destination, and keeps only what the retention policy keeps', async () => {
    // Older scheduled backups: three on one day long ago, one per day for the last days, and a file of the admin's own.
    const day = 24 * 3600_000;
    const now = Date.now();
    const tag = backup.installationTag;
    const old = [now - 30 * day, now - 30 * day + 3600_000, now - 20 * day, now - 2 * day, now - 1 * day].map((t) => scheduledBackupFileName(new Date(t), tag));
    for (const name of old) fs.writeFileSync(path.join(destination, name), 'an old backup');
    // Not the schedule's: a file of the admin's own, a backup made by hand (same folder, older), another installation's.
    const notOurs = ['keep-me.ghbk', backupFileName(new Date(now - 40 * day)), scheduledBackupFileName(new Date(now - 40 * day), 'ffffffff')];
    for (const name of notOurs) fs.writeFileSync(path.join(destination, name), 'not the schedule\'s');

    expect(await backup.runScheduledIfDue(new Date(now))).toBeNull(); // 02:30 has not passed since the schedule was saved
    const run = await backup.runScheduledIfDue(new Date(now + 25 * 3600_000));
    expect(run?.status).toBe('succeeded');
    expect(run?.trigger).toBe('schedule');
    const files = fs.readdirSync(destination).sort();
    for (const name of notOurs) expect(files).toContain(name);
    expect(path.basename(run!.file!)).toMatch(new RegExp(`^gatehouse-auto-${tag}-\\d{8}-\\d{6}\\.ghbk$`));
    // keepDaily 2: the new one and yesterday's; keepWeekly 1: the newest of this week (the new one).
    const scheduled = files.filter((f) => f.startsWith(`gatehouse-auto-${tag}-`));
    expect(scheduled).toHaveLength(2);
    expect(scheduled).toContain(scheduledBackupFileName(new Date(now - 1 * day), tag));
    expect(scheduled).not.toContain(old[0]);
    // The new one is a real backup, listed with its date.
    const listed = await backup.listFiles();
    expect(listed.find((f) => f.name === path.basename(run!.file!))?.problem).toBeNull();
    const view = await backup.getSchedule();
    expect(view.lastRun?.id).toBe(run!.id);
    // It does not run again until the next 02:30 after it started.
    expect(await backup.runScheduledIfDue(new Date(Date.now() + 1_000))).toBeNull();
  });

  it('a failed scheduled backup is recorded as a failed run and an event', async () => {
    // The destination becomes a file: the backup cannot be written there.
    const broken = path.join(destination, 'not-a-folder');
    fs.mkdirSync(broken);
    await backup.setSchedule({ destination: broken });
    fs.rmSync(broken, { recursive: true });
    fs.writeFileSync(broken, 'a file where the folder was');
    const run = await backup.runScheduledIfDue(new Date(Date.now() + 25 * 3600_000));
    expect(run?.status).toBe('failed');
    expect(run?.error).toMatch(/not-a-folder|ENOTDIR|EEXIST/);
    const { rows } = await app.platform.pool.query<{ type: string; actor: string; data: { error?: string } }>(`SELECT type, actor, data FROM events WHERE type = 'backup.backup_failed' AND target_id = $1`, [run!.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.actor).toBe('scheduler');
    expect((await backup.getSchedule()).lastRun?.status).toBe('failed');
  });

  it('a stored passphrase this master key cannot open switches the schedule off, once, with an event that says what to do', async () => {
    await backup.setSchedule({ destination, enabled: true, passphrase: 'scheduled passphrase 2' });
    const foreign = new SecretBox(randomBytes(32)).seal('from elsewhere', 'backup-schedule-passphrase');
    await app.platform.pool.query(`UPDATE settings SET value = jsonb_set(value, '{passphraseSealed}', to_jsonb($1::text)) WHERE key = 'backup.schedule'`, [foreign]);
    expect(await backup.runScheduledIfDue(new Date(Date.now() + 25 * 3600_000))).toBeNull();
    const view = await backup.getSchedule();
    expect(view.enabled).toBe(false);
    expect(view.hasPassphrase).toBe(false);
    const { rows } = await app.platform.pool.query<{ data: { error: string } }>(`SELECT data FROM events WHERE type = 'backup.schedule_disabled'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.data.error).toMatch(/set a passphrase again/);
    expect(await backup.runScheduledIfDue(new Date(Date.now() + 50 * 3600_000))).toBeNull();
    expect((await app.platform.pool.query(`SELECT 1 FROM events WHERE type = 'backup.schedule_disabled'`)).rows).toHaveLength(1);
  });

  it('removes what interrupted runs left once it is a day old, and nothing else', () => {
    const dir = backup.backupsDir;
    fs.mkdirSync(dir, { recursive: true });
    const stale = path.join(dir, '.gatehouse-20260101-000000.ghbk.abcd.partial');
    const fresh = path.join(dir, '.uploaded-x.ghbk.partial');
    const staleMedia = path.join(app.ctx.dataDir, 'media.restore-abc_123');
    fs.writeFileSync(stale, 'x');
    fs.writeFileSync(fresh, 'x');
    fs.mkdirSync(staleMedia);
    fs.writeFileSync(path.join(dir, 'mine.ghbk'), 'x');
    const dayAgo = (Date.now() - 25 * 3600_000) / 1000;
    fs.utimesSync(stale, dayAgo, dayAgo);
    fs.utimesSync(staleMedia, dayAgo, dayAgo);
    fs.utimesSync(path.join(dir, 'mine.ghbk'), dayAgo, dayAgo);
    expect(backup.cleanLeftovers().sort()).toEqual([stale, staleMedia].sort());
    expect(fs.existsSync(fresh)).toBe(true);
    expect(fs.existsSync(path.join(dir, 'mine.ghbk'))).toBe(true);
  });

  it('is a singleton job scheduled every minute', () => {
    expect(SCHEDULE_JOB).toBe('backup.scheduled');
    const defined = (app.platform.jobs as unknown as { definitions: Map<string, { singleton?: boolean }> }).definitions.get(SCHEDULE_JOB);
    expect(defined?.singleton).toBe(true);
  });
});
