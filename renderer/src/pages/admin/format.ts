// How the Backups page writes sizes, times, and the phases a run goes through.
import type { BackupRun, RunKind } from '../../api/backups';

const MIB = 1024 * 1024;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < MIB) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 * MIB) return `${(bytes / MIB).toFixed(1)} MiB`;
  return `${(bytes / (1024 * MIB)).toFixed(2)} GiB`;
}

export function formatMiB(bytes: number): string {
  return `${(bytes / MIB).toFixed(1)} MiB`;
}

export function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The name of a backup file from the full path a run records. */
export function fileNameOf(path: string | null): string {
  return path?.split(/[\\/]/).pop() ?? '';
}

export const KIND_LABEL: Record<RunKind, string> = { backup: 'Backup', verify: 'Verify', restore: 'Restore' };

/** The phases of server/src/backup/snapshot.ts and restore.ts, in words. */
const PHASE_LABEL: Record<string, string> = {
  starting: 'Starting',
  tables: 'Copying tables',
  media: 'Copying media files',
  finishing: 'Writing the file',
  verifying: 'Checking the file',
  preparing: 'Preparing',
  loading: 'Loading tables',
  checking: 'Checking row counts',
  migrating: 'Updating to this version',
  swapping: 'Replacing the live data',
  comparing: 'Comparing tables',
  done: 'Done',
};

export function phaseLabel(run: Pick<BackupRun, 'phase'>): string {
  return PHASE_LABEL[run.phase] ?? run.phase;
}
