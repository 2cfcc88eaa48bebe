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
import { BackupRepo, type EventActor } from './repo.ts';
import type { Progress } from './progress.ts';
import { backupFileName, parseScheduledBackupFileName, scheduledBackupFileName, selectForDeletion } from './retention.ts';
import { CronError, describeCron, parseCron } from './cron.ts';
import { SecretBoxError, type SecretBox } from '../secrets/secret-box.ts';
import { createHash } from 'node:crypto';
import { ApplianceError, errorMessage } from '../appliance/errors.ts';
import { MIN_PASSPHRASE_LENGTH, type BackupFile, type BackupRun, type RunKind, type RunTrigger, type ScheduleChange, type ScheduleSettings, type ScheduleView } from './schemas.ts';

export { MIN_PASSPHRASE_LENGTH, type BackupFile, type BackupRun, type RunKind, type RunTrigger, type ScheduleSettings, type ScheduleView } from './schemas.ts';

export const BACKUP_EXTENSION = '.ghbk';
const SCHEDULE_KEY = 'backup.schedule';
/** A running row whose instance has not written progress for this long belongs to an instance that died. */
const STALE_RUN_MS = 60_000;
const HEARTBEAT_MS = 10_000;
const PROGRESS_WRITE_MS = 500;
/** Leftovers of interrupted runs are removed once this old (a run still going is younger). */
const LEFTOVER_AGE_MS = 24 * 3600_000;

/** 8 hex characters naming an installation (its master key): instances sharing a database share it. */
export function installationTag(secrets: SecretBox): string {
  return createHash('sha256').update(`gatehouse-installation:${secrets.keyId}`).digest('hex').slice(0, 8);
}

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

/** Who started a run, shown in the run and its event: a username, "cli", "scheduler". */
export type StartedBy = EventActor;

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
  private running: Promise<void> | null = null;
  private readonly stopping = new AbortController();

  private readonly repo: BackupRepo;

  constructor(private readonly deps: BackupServiceDeps) {
    this.repo = new BackupRepo(deps.pool);
  }

  get backupsDir(): string {
    return defaultBackupsDir(this.deps.dataDir);
  }

  // Runs

  /** Starts a backup in the background; returns its run at once. The file defaults to the backups folder. */
  async startBackup(options: { passphrase: string; file?: string; trigger?: RunTrigger; by: StartedBy; destination?: string }): Promise<BackupRun> {
    checkPassphrase(options.passphrase);
    const trigger = options.trigger ?? 'manual';
    // Scheduled backups carry the installation's tag: retention deletes those, and only those.
    const name = trigger === 'schedule' ? scheduledBackupFileName(new Date(), this.installationTag) : backupFileName(new Date());
    const file = options.file ?? path.join(options.destination || this.backupsDir, name);
    return this.launch('backup', trigger, file, options.by, (onProgress) =>
      createBackup(this.deps, { file, passphrase: options.passphrase, onProgress, signal: this.stopping.signal }),
    );
  }

  /** Names this installation in its scheduled backups' file names (instances sharing a database share it). */
  get installationTag(): string {
    return installationTag(this.deps.secrets);
  }

  /** At shutdown: a running backup stops at its next table, and this waits (up to timeoutMs) for the run to end. */
  async stop(timeoutMs = 5_000): Promise<void> {
    this.stopping.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.idle(), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  /**
   * Removes what interrupted runs left (a killed backup's hidden partial file, an upload cut off, a restore's media
   * folder) once it is a day old, so that nothing still in use is touched.
   */
  cleanLeftovers(now = Date.now()): string[] {
    const removed: string[] = [];
    const old = (full: string) => {
      try {
        return now - fs.statSync(full).mtimeMs > LEFTOVER_AGE_MS;
      } catch {
        return false;
      }
    };
    for (const dir of [this.backupsDir, this.deps.dataDir]) {
      let names: string[];
      try {
        names = fs.readdirSync(dir);
      } catch {
        continue;
      }
      for (const name of names) {
        const leftover = dir === this.backupsDir ? /^\..*\.partial$/.test(name) : /^media\.(restore|replaced)-[a-z0-9_]+$/.test(name);
        const full = path.join(dir, name);
        if (leftover && old(full)) {
          fs.rmSync(full, { recursive: true, force: true });
          removed.push(full);
        }
      }
    }
    if (removed.length > 0) this.deps.logger.info({ removed }, 'removed what interrupted backups and restores left behind');
    return removed;
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
    // The slot is taken before the first await: two clicks at once start one run.
    let settle!: () => void;
    this.running = new Promise<void>((resolve) => (settle = resolve));
    let run: BackupRun;
    try {
      run = await this.repo.insertRun({ kind, trigger, file, startedBy: by.actor, instanceId: this.deps.instanceId });
    } catch (error) {
      this.running = null;
      settle();
      throw error;
    }
    let latest: Readonly<Progress> | null = null;
    let writing: Promise<unknown> = Promise.resolve();
    let lastWrite = 0;
    const writeProgress = () => {
      if (!latest) return;
      const p = latest;
      lastWrite = Date.now();
      writing = writing.then(() =>
        this.repo.recordProgress(run.id, p).catch((error: unknown) => this.deps.logger.warn({ err: { message: errorMessage(error) }, runId: run.id }, 'could not record backup progress')),
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
    const recordingFailed = (e: unknown) => logger.error({ err: { message: errorMessage(e) } }, 'could not record how the run ended');
    void work(onProgress)
      .then(
        async (result) => {
          clearInterval(heartbeat);
          await writing;
          const warning = (result as Partial<RestoreResult>).warning ?? null;
          await this.finish(run, 'succeeded', warning ? `Warning: ${warning}` : null, latest, by, result).catch(recordingFailed);
          logger.info({ file, ms: result.ms, warning }, `${kind} succeeded`);
        },
        async (error: unknown) => {
          clearInterval(heartbeat);
          await writing;
          await this.finish(run, 'failed', runErrorMessage(error, kind, run.id), latest, by, null).catch(recordingFailed);
          logger.error({ err: { message: errorMessage(error), code: (error as { code?: string }).code } }, `${kind} failed`);
        },
      )
      .catch(recordingFailed)
      .finally(() => {
        this.running = null;
        settle();
      });
    return run;
  }

  private async finish(run: BackupRun, status: 'succeeded' | 'failed', error: string | null, progress: Readonly<Progress> | null, by: StartedBy, result: unknown): Promise<void> {
    const phase = status === 'succeeded' || progress?.phase === 'done' ? 'done' : progress?.phase ?? run.phase;
    await this.repo.finishRun(run, { status, phase, progress, error, instanceId: this.deps.instanceId });
    const type = `backup.${run.kind === 'backup' ? 'created' : run.kind === 'verify' ? 'verified' : 'restored'}`;
    await this.recordEvent(status === 'succeeded' ? type : `backup.${run.kind}_failed`, by, run, {
      file: run.file, trigger: run.trigger, ...(error ? { error } : {}), ...summarize(result),
    });
  }

  async recordEvent(type: string, by: StartedBy, run: { id: string }, data: Record<string, unknown>): Promise<void> {
    await this.repo.insertEvent(type, by, { type: 'backup_run', id: run.id }, data);
  }

  async getRun(id: string): Promise<BackupRun> {
    await this.failStaleRuns();
    const run = await this.repo.findRun(id);
    if (!run) throw new BackupError('backup_run_not_found', `There is no backup run ${id}. It may belong to data replaced by a restore.`);
    return run;
  }

  async listRuns(limit = 20): Promise<BackupRun[]> {
    await this.failStaleRuns();
    return this.repo.listRuns(Math.min(Math.max(1, limit), 200));
  }

  /** Runs whose instance stopped writing progress (it died) are marked failed, so they do not spin forever in the UI. */
  private async failStaleRuns(): Promise<void> {
    await this.repo.failStaleRuns(
      STALE_RUN_MS / 1000,
      'The instance running this stopped before it finished (it was stopped or crashed). An unfinished backup leaves no backup file, and a verify changes nothing; a restore either finished completely or changed nothing (check the data). Start it again.',
    );
  }

  // Files

  /** Backup files in the backups folder and the schedule's destination, newest first. */
  async listFiles(): Promise<BackupFile[]> {
    const schedule = await this.readSchedule();
    const dirs = [...new Set([this.backupsDir, schedule.destination || this.backupsDir])];
    const files: BackupFile[] = [];
    for (const dir of dirs) {
      let names: string[];
      try {
        names = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
      } catch (error) {
        // An unmounted share must not hide the local backups.
        this.deps.logger.warn({ dir, err: { message: errorMessage(error) } }, 'cannot list a backups folder');
        continue;
      }
      for (const name of names) {
        if (!name.endsWith(BACKUP_EXTENSION) || name.startsWith('.')) continue;
        const full = path.join(dir, name);
        let size = 0;
        try {
          const stat = fs.statSync(full);
          if (!stat.isFile()) continue;
          size = stat.size;
          const header = await readArchiveHeader(full);
          files.push({ name, path: full, size, createdAt: header.createdAt, appVersion: header.appVersion, problem: null });
        } catch (error) {
          if ((error as { code?: string }).code === 'ENOENT') continue; // deleted meanwhile (retention)
          files.push({ name, path: full, size, createdAt: null, appVersion: null, problem: errorMessage(error) });
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
    return { ...DEFAULT_SCHEDULE, ...((await this.repo.readSetting<Partial<StoredSchedule>>(SCHEDULE_KEY)) ?? {}) };
  }

  async getSchedule(now = new Date()): Promise<ScheduleView> {
    const stored = await this.readSchedule();
    const { passphraseSealed, ...settings } = stored;
    const lastRun = await this.repo.lastScheduledRun();
    let nextRunAt: string | null = null;
    let description = stored.cron;
    try {
      description = describeCron(stored.cron);
      if (stored.enabled) nextRunAt = parseCron(stored.cron, { timeZone: stored.timeZone }).next(now).toISOString();
    } catch {
      // A stored expression is always valid (setSchedule checks it); a time zone the OS dropped leaves no next run.
    }
    return { ...settings, hasPassphrase: passphraseSealed !== null, description, nextRunAt, lastRun };
  }

  /** `checkOnly`: validate and report, but store nothing and create no folder (a config import's dry run). */
  async setSchedule(change: ScheduleChange, options: { checkOnly?: boolean } = {}): Promise<ScheduleView> {
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
    if (next.destination && !options.checkOnly) {
      try {
        fs.mkdirSync(next.destination, { recursive: true, mode: 0o700 });
        fs.accessSync(next.destination, fs.constants.W_OK);
      } catch (error) {
        throw new BackupError('backup_settings_invalid', `Gatehouse cannot write to ${next.destination}: ${errorMessage(error)}. Choose a folder it can write to.`);
      }
    }
    if (change.passphrase !== undefined) next.passphraseSealed = this.deps.secrets.seal(checkPassphrase(change.passphrase), 'backup-schedule-passphrase');
    if (next.enabled && !next.passphraseSealed) throw new BackupError('backup_settings_invalid', 'Scheduled backups need a passphrase: set one with the schedule.');
    if (options.checkOnly) return this.getSchedule();
    await this.repo.writeSetting(SCHEDULE_KEY, next);
    return this.getSchedule();
  }

  /**
   * Called every minute by the singleton job: runs the scheduled backup when a cron time has passed since the last
   * scheduled run started (or, the first time, since the schedule was saved), then applies retention.
   */
  async runScheduledIfDue(now = new Date()): Promise<BackupRun | null> {
    const stored = await this.readSchedule();
    if (!stored.enabled || !stored.passphraseSealed) return null;
    const since = (await this.repo.scheduleSince(SCHEDULE_KEY)) ?? now;
    const due = parseCron(stored.cron, { timeZone: stored.timeZone }).next(since);
    if (due > now) return null;
    // A manual run is going on this instance: the next tick tries again (a backup is due, not lost).
    if (this.running) return null;
    let passphrase: string;
    try {
      passphrase = this.deps.secrets.openText(stored.passphraseSealed, 'backup-schedule-passphrase');
    } catch (error) {
      if (!(error instanceof SecretBoxError)) throw error;
      // Sealed by another master key (e.g. data restored from elsewhere without its key): tell once, and stop trying.
      await this.repo.mergeSetting(SCHEDULE_KEY, { enabled: false, passphraseSealed: null });
      await this.recordEvent('backup.schedule_disabled', { actor: 'scheduler' }, { id: 'schedule' }, {
        error: 'The stored passphrase for scheduled backups cannot be read with this instance\'s master key. Scheduled backups are off: set a passphrase again in Backups → Schedule and switch them on.',
      });
      this.deps.logger.error('scheduled backups are off: their stored passphrase cannot be read with this master key; set it again in Backups → Schedule');
      return null;
    }
    const destination = stored.destination || this.backupsDir;
    const run = await this.startBackup({ passphrase, trigger: 'schedule', by: { actor: 'scheduler' }, destination });
    await this.running;
    const finished = await this.getRun(run.id);
    if (finished.status === 'succeeded') await this.applyRetention(destination, stored);
    return finished;
  }

  /** Deletes this installation's scheduled backups in destination that the policy no longer keeps; nothing else. */
  async applyRetention(destination: string, policy: { keepDaily: number; keepWeekly: number; timeZone: string }): Promise<string[]> {
    const candidates = fs.existsSync(destination)
      ? fs.readdirSync(destination).flatMap((name) => {
          const createdAt = parseScheduledBackupFileName(name, this.installationTag);
          return createdAt ? [{ name, createdAt }] : [];
        })
      : [];
    const { remove } = selectForDeletion(candidates, { keepDaily: policy.keepDaily, keepWeekly: policy.keepWeekly }, policy.timeZone);
    for (const file of remove) fs.rmSync(path.join(destination, file.name), { force: true });
    if (remove.length > 0) this.deps.logger.info({ removed: remove.map((f) => f.name) }, 'removed scheduled backups past retention');
    return remove.map((f) => f.name);
  }
}

/**
 * What a failed run tells the admin: our own errors and the system's (a full disk, a folder it may not write) as they
 * are; anything else (a database error) as a pointer to the log, which has the details under the run id.
 */
function runErrorMessage(error: unknown, kind: RunKind, runId: string): string {
  if (error instanceof ApplianceError) return error.message;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    const hint = code === 'ENOSPC' ? ' Free some space, or choose another folder.' : code === 'EACCES' || code === 'EPERM' ? ' Let Gatehouse write there, or choose another folder.' : '';
    return `The ${kind} failed: ${errorMessage(error)}.${hint}`;
  }
  return `The ${kind} failed unexpectedly. The server log has the details under run ${runId}; nothing was changed by a restore or verify that failed.`;
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
