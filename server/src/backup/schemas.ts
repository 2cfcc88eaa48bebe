// The backup API's contract: request bodies as JSON schemas (Fastify validates them), answers as types, and the one
// rule the page checks before sending. The control UI (renderer/src/api/backups.ts) imports this file, so it
// imports nothing.

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

// Request schemas

const passphrase = { type: 'string', minLength: 1, maxLength: 1024 } as const;

/** POST /api/v1/backups */
export const createBackupBody = { type: 'object', required: ['passphrase'], additionalProperties: false, properties: { passphrase } } as const;

/** POST /api/v1/backups/verify and /restore: a file of the backups list, by name. */
export const fileActionBody = {
  type: 'object',
  required: ['file', 'passphrase'],
  additionalProperties: false,
  properties: { file: { type: 'string', minLength: 1, maxLength: 210 }, passphrase },
} as const;

/** GET /api/v1/backups/runs/:id */
export const runParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;

/** PUT /api/v1/backups/schedule */
export const scheduleBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean' },
    cron: { type: 'string', minLength: 1, maxLength: 200 },
    timeZone: { type: 'string', minLength: 1, maxLength: 100 },
    destination: { type: 'string', maxLength: 1000 },
    keepDaily: { type: 'integer', minimum: 0, maximum: 1000 },
    keepWeekly: { type: 'integer', minimum: 0, maximum: 1000 },
    passphrase,
  },
} as const;
