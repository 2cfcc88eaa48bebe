// The backup API's answers, as types, and the one rule the page checks before sending. The control UI
// (renderer/src/api/backups.ts) imports this file, so it imports nothing.

/** A passphrase protects every secret of the instance, offline, forever: no shorter than this. */
export const MIN_PASSPHRASE_LENGTH = 12;

export type RunKind = 'backup' | 'verify' | 'restore';
export type RunTrigger = 'manual' | 'schedule';

export interface BackupRun {
  id: string;
  kind: RunKind;
  trigger: RunTrigger;
  status: 'running' | 'succeeded' | 'failed';
  phase: string;
  rowsDone: number;
  /** An estimate while a backup runs; null when not known yet. */
  rowsTotal: number | null;
  bytesDone: number;
  /** The backup file's path on the server. */
  file: string | null;
  error: string | null;
  startedBy: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface BackupFile {
  name: string;
  path: string;
  size: number;
  createdAt: string | null;
  appVersion: string | null;
  /** Why the header could not be read (not a Gatehouse backup, or damaged). */
  problem: string | null;
}

export interface ScheduleSettings {
  enabled: boolean;
  /** 5-field cron, in timeZone. */
  cron: string;
  timeZone: string;
  /** An absolute folder; empty for the data dir's backups folder. */
  destination: string;
  keepDaily: number;
  keepWeekly: number;
  /** Whether a passphrase is stored for scheduled runs (sealed with the master key; never returned). */
  hasPassphrase: boolean;
}

export interface ScheduleView extends ScheduleSettings {
  /** The cron expression in words. */
  description: string;
  nextRunAt: string | null;
  lastRun: BackupRun | null;
}

/** GET /api/v1/backups */
export interface BackupsView {
  runs: BackupRun[];
  /** Files of the backups folder and the schedule's destination (without their server paths). */
  files: Array<Omit<BackupFile, 'path'>>;
  schedule: ScheduleView;
  /** The data dir's backups folder, where manual backups and uploads go. */
  backupsDir: string;
}

/** PUT /api/v1/backups/schedule */
export type ScheduleChange = Partial<Omit<ScheduleSettings, 'hasPassphrase'>> & { passphrase?: string };

/** POST /api/v1/backups/upload */
export interface UploadedBackup {
  name: string;
  size: number;
  createdAt: string;
  appVersion: string;
}
