// Errors of backup, verify, restore and config import. Each code is stable; each message says what to do next.
import { ApplianceError } from '../appliance/errors.ts';

export type BackupErrorCode =
  | 'backup_busy'
  | 'backup_file_exists'
  | 'backup_file_missing'
  | 'backup_checksum_mismatch'
  | 'backup_manifest_mismatch'
  | 'backup_incomplete'
  | 'backup_schema_unknown'
  | 'backup_schema_too_new'
  | 'backup_count_mismatch'
  | 'backup_swap_failed'
  | 'backup_passphrase_weak'
  | 'backup_settings_invalid'
  | 'backup_run_not_found';

export class BackupError extends ApplianceError {
  constructor(code: BackupErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
    this.name = 'BackupError';
  }

  /** Errors of the caller's input (a bad file, a bad passphrase, bad settings), as opposed to the server failing. */
  get isInvalidInput(): boolean {
    return this.code !== 'backup_swap_failed' && this.code !== 'backup_busy';
  }
}
