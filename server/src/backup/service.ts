// The backup domain's service: runs backups, verifies and restores in the background with their progress kept in
// backup_runs (so every instance's UI can show it), lists backup files, and keeps the schedule settings.
import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import type { Logger } from 'pino';
import { createBackup, type BackupResult } from './snapshot.ts';
import { restoreBackup, verifyBackup, type RestoreResult, type VerifyResult } from './restore.ts';
import { readArchiveHeader } from './archive.ts';
import { BackupError } from './errors.ts';
import type { Progress } from './progress.ts';
import { backupFileName, parseBackupFileName, selectForDeletion } from './retention.ts';
import { CronError, describeCron, parseCron } from './cron.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { errorMessage } from '../appliance/errors.ts';
import { MIN_PASSPHRASE_LENGTH, type BackupFile, type BackupRun, type RunKind, type RunTrigger, type ScheduleChange, type ScheduleSettings, type ScheduleView } from './schemas.ts';

export { MIN_PASSPHRASE_LENGTH, type BackupFile, type BackupRun, type RunKind, type RunTrigger, type ScheduleSettings, type ScheduleView } from './schemas.ts';

export const BACKUP_EXTENSION = '.ghbk';
const SCHEDULE_KEY = 'backup.schedule';
/** A running row whose instance has not written progress for this long belongs to an instance that died. */
const STALE_RUN_MS = 60_000;
const HEARTBEAT_MS = 10_000;
const PROGRESS_WRITE_MS = 500;

interface StoredSchedule extends Omit<ScheduleSettings, 'hasPassphrase'> {
  passphraseSealed: string | null;
}

export const DEFAULT_SCHEDULE: StoredSchedule = {
  enabled: false,
  cron: '30 2 * * *',
  timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  destination: '',
  keepDaily: 7,
  keepWeekly: 4,
  passphraseSealed: null,
};

export interface BackupServiceDeps {
  pool: pg.Pool;
  secrets: SecretBox;
  dataDir: string;
  instanceId: string;
  logger: Logger;
}

export interface StartedBy {
  /** Shown in the run and the event: a username, "cli", "scheduler". */
  actor: string;
  actorUserId?: string | null;
  sourceAddress?: string | null;
  requestId?: string | null;
}

type RunRow = {
  id: string; kind: RunKind; trigger: RunTrigger; status: BackupRun['status']; phase: string; rows_done: string; rows_total: string | null;
  bytes_done: string; file: string | null; error: string | null; started_by: string | null; started_at: Date; finished_at: Date | null;
};

function toRun(row: RunRow): BackupRun {
  return {
    id: row.id, kind: row.kind, trigger: row.trigger, status: row.status, phase: row.phase,
    rowsDone: Number(row.rows_done), rowsTotal: row.rows_total === null ? null : Number(row.rows_total), bytesDone: Number(row.bytes_done),
    file: row.file, error: row.error, startedBy: row.started_by, startedAt: row.started_at.toISOString(), finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

const RUN_COLUMNS = 'id, kind, trigger, status, phase, rows_done, rows_total, bytes_done, file, error, started_by, started_at, finished_at';

export function defaultBackupsDir(dataDir: string): string {
  return path.join(dataDir, 'backups');
}

export function checkPassphrase(passphrase: string): string {
  if (typeof passphrase !== 'string' || [...passphrase].length < MIN_PASSPHRASE_LENGTH) {
    throw new BackupError('backup_passphrase_weak', `A backup passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters (a few random words work well). Keep it somewhere other than this machine: without it, the backup cannot be opened.`);
  }
  return passphrase;
}

export class BackupService {
  private running: Promise<unknown> | null = null;

  constructor(private readonly deps: BackupServiceDeps) {}

  get backupsDir(): string {
    return defaultBackupsDir(this.deps.dataDir);
  }

  // Runs

  /** Starts a backup in the background; returns its run at once. The file defaults to the backups folder. */
  async startBackup(options: { passphrase: string; file?: string; trigger?: RunTrigger; by: StartedBy; destination?: string }): Promise<BackupRun> {
    checkPassphrase(options.passphrase);
    const file = options.file ?? path.join(options.destination || this.backupsDir, backupFileName(new Date()));
    return this.launch('backup', options.trigger ?? 'manual', file, options.by, (onProgress) =>
      createBackup(this.deps, { file, passphrase: options.passphrase, onProgress }),
    );
  }

  async startRestore(options: { file: string; passphrase: string; by: StartedBy }): Promise<BackupRun> {
    return this.launch('restore', 'manual', options.file, options.by, (onProgress) => restoreBackup(this.deps, { file: options.file, passphrase: options.passphrase, onProgress }));
  }

  async startVerify(options: { file: string; passphrase: string; by: StartedBy }): Promise<BackupRun> {
    return this.launch('verify', 'manual', options.file, options.by, (onProgress) => verifyBackup(this.deps, { file: options.file, passphrase: options.passphrase, onProgress }));
  }

  /** Resolves when this process's current run (if any) has ended; for tests and shutdown. */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private async launch<T extends BackupResult | RestoreResult | VerifyResult>(
    kind: RunKind, trigger: RunTrigger, file: string, by: StartedBy,
    work: (onProgress: (p: Readonly<Progress>) => void) => Promise<T>,
  ): Promise<BackupRun> {
    if (this.running) throw new BackupError('backup_busy', 'A backup, verify or restore is already running on this instance. Wait for it to finish (its progress is shown), then try again.');
    const { rows } = await this.deps.pool.query<RunRow>(
      `INSERT INTO backup_runs (kind, trigger, file, started_by, instance_id) VALUES ($1, $2, $3, $4, $5) RETURNING ${RUN_COLUMNS}`,
      [kind, trigger, file, by.actor, this.deps.instanceId],
    );
    const run = toRun(rows[0]!);
    let latest: Readonly<Progress> | null = null;
    let writing: Promise<unknown> = Promise.resolve();
    let lastWrite = 0;
    const writeProgress = () => {
      if (!latest) return;
      const p = latest;
      lastWrite = Date.now();
      writing = writing.then(() =>
        this.deps.pool
          .query('UPDATE backup_runs SET phase = $2, rows_done = $3, rows_total = $4, bytes_done = $5, heartbeat_at = now() WHERE id = $1 AND status = $6', [run.id, p.phase, p.rowsDone, p.rowsTotal, p.bytesDone, 'running'])
          .catch((error: unknown) => this.deps.logger.warn({ err: { message: errorMessage(error) }, runId: run.id }, 'could not record backup progress')),
      );
    };
    const heartbeat = setInterval(writeProgress, HEARTBEAT_MS);
    heartbeat.unref();
    const onProgress = (p: Readonly<Progress>) => {
      latest = p;
      if (Date.now() - lastWrite >= PROGRESS_WRITE_MS) writeProgress();
    };
    const logger = this.deps.logger.child({ runId: run.id, kind });
    logger.info({ file, trigger, by: by.actor }, `${kind} started`);
    this.running = work(onProgress).then(
      async (result) => {
        clearInterval(heartbeat);
        await writing;
        await this.finish(run, 'succeeded', null, latest, by, result);
        logger.info({ file, ms: result.ms }, `${kind} succeeded`);
      },
      async (error: unknown) => {
        clearInterval(heartbeat);
        await writing;
        await this.finish(run, 'failed', errorMessage(error), latest, by, null).catch((e: unknown) => logger.error({ err: e }, 'could not record the failed run'));
        logger.error({ err: { message: errorMessage(error), code: (error as { code?: string }).code } }, `${kind} failed`);
      },
    ).finally(() => {
      this.running = null;
    });
    return run;
  }

  private async finish(run: BackupRun, status: 'succeeded' | 'failed', error: string | null, progress: Readonly<Progress> | null, by: StartedBy, result: unknown): Promise<void> {
    const values = [run.id, status, progress?.phase === 'done' || status === 'succeeded' ? 'done' : progress?.phase ?? run.phase, progress?.rowsDone ?? 0, progress?.rowsTotal ?? null, progress?.bytesDone ?? 0, error];
    // A restore replaced backup_runs with the backup's (which does not hold it): the run is written again.
    await this.deps.pool.query(
      `INSERT INTO backup_runs (id, kind, trigger, file, started_by, instance_id, started_at, status, phase, rows_done, rows_total, bytes_done, error, finished_at)
       VALUES ($1, $8, $9, $10, $11, $12, $13, $2, $3, $4, $5, $6, $7, now())
       ON CONFLICT (id) DO UPDATE SET status = $2, phase = $3, rows_done = $4, rows_total = $5, bytes_done = $6, error = $7, finished_at = now(), heartbeat_at = now()`,
      [...values, run.kind, run.trigger, run.file, run.startedBy, this.deps.instanceId, run.startedAt],
    );
    const type = `backup.${run.kind === 'backup' ? 'created' : run.kind === 'verify' ? 'verified' : 'restored'}`;
    await this.recordEvent(status === 'succeeded' ? type : `backup.${run.kind}_failed`, by, run, {
      file: run.file, trigger: run.trigger, ...(error ? { error } : {}), ...summarize(result),
    });
  }

  async recordEvent(type: string, by: StartedBy, run: { id: string }, data: Record<string, unknown>): Promise<void> {
    await this.deps.pool.query(
      `INSERT INTO events (type, actor_user_id, actor, target_type, target_id, source_address, request_id, data)
       VALUES ($1, (SELECT id FROM users WHERE id = $2::uuid), $3, 'backup_run', $4, $5, $6, $7)`,
      [type, by.actorUserId ?? null, by.actor, run.id, by.sourceAddress ?? null, by.requestId ?? null, JSON.stringify(data)],
    );
  }

  async getRun(id: string): Promise<BackupRun> {
    await this.failStaleRuns();
    const { rows } = await this.deps.pool.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM backup_runs WHERE id = $1`, [id]);
    if (!rows[0]) throw new BackupError('backup_run_not_found', `There is no backup run ${id}. It may belong to data replaced by a restore.`);
    return toRun(rows[0]);
  }

  async listRuns(limit = 20): Promise<BackupRun[]> {
    await this.failStaleRuns();
    const { rows } = await this.deps.pool.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM backup_runs ORDER BY started_at DESC LIMIT $1`, [Math.min(Math.max(1, limit), 200)]);
    return rows.map(toRun);
  }

  /** Runs whose instance stopped writing progress (it died) are marked failed, so they do not spin forever in the UI. */
  private async failStaleRuns(): Promise<void> {
    await this.deps.pool.query(
      `UPDATE backup_runs SET status = 'failed', finished_at = now(), error = 'The instance running this stopped before it finished (it was stopped or crashed). Nothing was changed by a restore or verify; a backup file was not written. Start it again.'
        WHERE status = 'running' AND heartbeat_at < now() - make_interval(secs => $1)`,
      [STALE_RUN_MS / 1000],
    );
  }

  // Files

  /** Backup files in the backups folder and the schedule's destination, newest first. */
  async listFiles(): Promise<BackupFile[]> {
    const schedule = await this.readSchedule();
    const dirs = [...new Set([this.backupsDir, schedule.destination || this.backupsDir])];
    const files: BackupFile[] = [];
    for (const dir of dirs) {
      if (!fs.existsSync(dir)) continue;
      for (const name of fs.readdirSync(dir)) {
        if (!name.endsWith(BACKUP_EXTENSION) || name.startsWith('.')) continue;
        const full = path.join(dir, name);
        const stat = fs.statSync(full);
        if (!stat.isFile()) continue;
        try {
          const header = await readArchiveHeader(full);
          files.push({ name, path: full, size: stat.size, createdAt: header.createdAt, appVersion: header.appVersion, problem: null });
        } catch (error) {
          files.push({ name, path: full, size: stat.size, createdAt: null, appVersion: null, problem: errorMessage(error) });
        }
      }
    }
    return files.sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || a.name.localeCompare(b.name));
  }

  /** A file of the backups folder (or the schedule's destination) by its bare name; anything else is refused. */
  async resolveFile(name: string): Promise<string> {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/.test(name) || !name.endsWith(BACKUP_EXTENSION)) {
      throw new BackupError('backup_file_missing', `"${name.slice(0, 100)}" is not a backup file name (letters, digits, . _ - and ending in ${BACKUP_EXTENSION}).`);
    }
    const found = (await this.listFiles()).find((f) => f.name === name);
    if (!found) throw new BackupError('backup_file_missing', `There is no backup file "${name}" in the backups folder.`);
    return found.path;
  }

  // Schedule

  private async readSchedule(): Promise<StoredSchedule> {
    const { rows } = await this.deps.pool.query<{ value: Partial<StoredSchedule> }>('SELECT value FROM settings WHERE key = $1', [SCHEDULE_KEY]);
    return { ...DEFAULT_SCHEDULE, ...(rows[0]?.value ?? {}) };
  }

  async getSchedule(now = new Date()): Promise<ScheduleView> {
    const stored = await this.readSchedule();
    const { passphraseSealed, ...settings } = stored;
    const { rows } = await this.deps.pool.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM backup_runs WHERE trigger = 'schedule' ORDER BY started_at DESC LIMIT 1`);
    let nextRunAt: string | null = null;
    let description = stored.cron;
    try {
      description = describeCron(stored.cron);
      if (stored.enabled) nextRunAt = parseCron(stored.cron, { timeZone: stored.timeZone }).next(now).toISOString();
    } catch {
      // A stored expression is always valid (setSchedule checks it); a time zone the OS dropped leaves no next run.
    }
    return { ...settings, hasPassphrase: passphraseSealed !== null, description, nextRunAt, lastRun: rows[0] ? toRun(rows[0]) : null };
  }

  async setSchedule(change: ScheduleChange): Promise<ScheduleView> {
    const current = await this.readSchedule();
    const next: StoredSchedule = { ...current };
    if (change.enabled !== undefined) next.enabled = change.enabled === true;
    if (change.cron !== undefined) next.cron = String(change.cron).trim();
    if (change.timeZone !== undefined) next.timeZone = String(change.timeZone);
    if (change.destination !== undefined) next.destination = String(change.destination).trim();
    if (change.keepDaily !== undefined) next.keepDaily = change.keepDaily;
    if (change.keepWeekly !== undefined) next.keepWeekly = change.keepWeekly;
    try {
      parseCron(next.cron, { timeZone: next.timeZone });
    } catch (error) {
      throw new BackupError('backup_settings_invalid', error instanceof CronError ? `Schedule: ${error.message}.` : `Schedule: ${errorMessage(error)}`);
    }
    for (const [field, value] of [['keepDaily', next.keepDaily], ['keepWeekly', next.keepWeekly]] as const) {
      if (!Number.isInteger(value) || value < 0 || value > 1000) throw new BackupError('backup_settings_invalid', `${field} must be a whole number from 0 to 1000.`);
    }
    if (next.keepDaily + next.keepWeekly < 1) throw new BackupError('backup_settings_invalid', 'Keep at least one backup: set keepDaily or keepWeekly above 0.');
    if (next.destination && !path.isAbsolute(next.destination)) throw new BackupError('backup_settings_invalid', `The destination must be an absolute folder path, like /mnt/nas/gatehouse; "${next.destination}" is not.`);
    if (next.destination) {
      try {
        fs.mkdirSync(next.destination, { recursive: true, mode: 0o700 });
        fs.accessSync(next.destination, fs.constants.W_OK);
      } catch (error) {
        throw new BackupError('backup_settings_invalid', `Gatehouse cannot write to ${next.destination}: ${errorMessage(error)}. Choose a folder it can write to.`);
      }
    }
    if (change.passphrase !== undefined) next.passphraseSealed = this.deps.secrets.seal(checkPassphrase(change.passphrase), 'backup-schedule-passphrase');
    if (next.enabled && !next.passphraseSealed) throw new BackupError('backup_settings_invalid', 'Scheduled backups need a passphrase: set one with the schedule.');
    await this.deps.pool.query(
      `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2, updated_at = now()`,
      [SCHEDULE_KEY, JSON.stringify(next)],
    );
    return this.getSchedule();
  }

  /**
   * Called every minute by the singleton job: runs the scheduled backup when a cron time has passed since the last
   * scheduled run started (or, the first time, since the schedule was saved), then applies retention.
   */
  async runScheduledIfDue(now = new Date()): Promise<BackupRun | null> {
    const stored = await this.readSchedule();
    if (!stored.enabled || !stored.passphraseSealed) return null;
    const { rows } = await this.deps.pool.query<{ since: Date }>(
      `SELECT greatest((SELECT max(started_at) FROM backup_runs WHERE trigger = 'schedule'), (SELECT updated_at FROM settings WHERE key = $1)) AS since`,
      [SCHEDULE_KEY],
    );
    const since = rows[0]?.since ?? now;
    const due = parseCron(stored.cron, { timeZone: stored.timeZone }).next(since);
    if (due > now) return null;
    const passphrase = this.deps.secrets.openText(stored.passphraseSealed, 'backup-schedule-passphrase');
    const destination = stored.destination || this.backupsDir;
    const run = await this.startBackup({ passphrase, trigger: 'schedule', by: { actor: 'scheduler' }, destination });
    await this.running;
    const finished = await this.getRun(run.id);
    if (finished.status === 'succeeded') await this.applyRetention(destination, stored);
    return finished;
  }

  /** Deletes scheduled backups in destination that the retention policy no longer keeps; other files are left alone. */
  async applyRetention(destination: string, policy: { keepDaily: number; keepWeekly: number; timeZone: string }): Promise<string[]> {
    const candidates = fs.existsSync(destination)
      ? fs.readdirSync(destination).flatMap((name) => {
          const createdAt = parseBackupFileName(name);
          return createdAt ? [{ name, createdAt }] : [];
        })
      : [];
    const { remove } = selectForDeletion(candidates, { keepDaily: policy.keepDaily, keepWeekly: policy.keepWeekly }, policy.timeZone);
    for (const file of remove) fs.rmSync(path.join(destination, file.name), { force: true });
    if (remove.length > 0) this.deps.logger.info({ removed: remove.map((f) => f.name) }, 'removed scheduled backups past retention');
    return remove.map((f) => f.name);
  }
}

function summarize(result: unknown): Record<string, unknown> {
  if (!result || typeof result !== 'object') return {};
  const r = result as Partial<BackupResult & RestoreResult & VerifyResult>;
  return {
    ...(r.ms !== undefined ? { ms: r.ms } : {}),
    ...(r.bytes !== undefined ? { bytes: r.bytes } : {}),
    ...(r.manifest ? { rows: r.manifest.totals.rows } : {}),
    ...(r.head ? { backupCreatedAt: r.head.createdAt, backupAppVersion: r.head.appVersion } : {}),
    ...(r.migratedForward ? { migratedForward: r.migratedForward } : {}),
  };
}
