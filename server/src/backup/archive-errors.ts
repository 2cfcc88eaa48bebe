// Errors of reading a backup archive. Each code is stable; each message says what happened and what to do next.
import { ApplianceError } from '../appliance/errors.ts';

export type ArchiveErrorCode =
  | 'backup_not_an_archive'
  | 'backup_unsupported_format'
  | 'backup_wrong_passphrase'
  | 'backup_corrupt'
  | 'backup_truncated';

export class ArchiveError extends ApplianceError {
  declare readonly code: ArchiveErrorCode;

  constructor(code: ArchiveErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
    this.name = 'ArchiveError';
  }
}

export function notAnArchive(): ArchiveError {
  return new ArchiveError(
    'backup_not_an_archive',
    'This file is not a Gatehouse backup: it does not start with the backup file signature. Check the path: give a file that Gatehouse backup wrote.',
  );
}

export function unsupportedFormat(format: number): ArchiveError {
  return new ArchiveError(
    'backup_unsupported_format',
    `This backup was made by a newer Gatehouse (backup format ${format}; this Gatehouse reads format 1). Restore it with a Gatehouse at least as new as the one that made it.`,
  );
}

export function wrongPassphrase(): ArchiveError {
  return new ArchiveError(
    'backup_wrong_passphrase',
    'The passphrase does not open this backup. Give the passphrase that was set when this backup was made, and try again.',
  );
}

/** `what` says what was found damaged, as a clause: "chunk 3 failed its integrity check". */
export function corrupt(what: string, cause?: unknown): ArchiveError {
  return new ArchiveError(
    'backup_corrupt',
    `This backup file is damaged: ${what}. It was changed after it was written (a disk or transfer error, or tampering). Use another backup file.`,
    { cause },
  );
}

export function truncated(): ArchiveError {
  return new ArchiveError(
    'backup_truncated',
    'This backup file ends early: it was not written completely (the backup was interrupted, or the copy is incomplete). Use another backup file.',
  );
}
