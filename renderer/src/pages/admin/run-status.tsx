// A run as it goes: a progress bar with its phase, rows and MiB; then what it ended with.
import { useId } from 'react';
import type { BackupFile, BackupRun } from '../../api/backups';
import { Notice } from '../../components/notice';
import type { LostRun } from './use-tracked-run';
import { fileNameOf, formatBytes, formatMiB, formatTime, KIND_LABEL, phaseLabel } from './format';

export function RunStatus({ run, lost, files }: { run: BackupRun; lost: LostRun | null; files: BackupFile[] }) {
  if (lost === 'signed-out') {
    return (
      <Notice kind={run.kind === 'restore' ? 'info' : 'error'}>
        {run.kind === 'restore'
          ? 'The restore replaced the data, and this browser’s session was not in the backup, so you are signed out. '
          : 'You were signed out while this ran. '}
        <a href="/">Sign in as an admin</a> again to see how it ended.
      </Notice>
    );
  }
  if (lost === 'unreachable') {
    return <Notice kind="error">Gatehouse stopped answering while this ran. Reload the page to see how it ended.</Notice>;
  }
  if (run.status === 'running') return <RunProgress run={run} />;
  if (run.status === 'failed') {
    return (
      <Notice kind="error">
        <strong>{KIND_LABEL[run.kind]} failed.</strong> {run.error}
      </Notice>
    );
  }
  const name = fileNameOf(run.file);
  switch (run.kind) {
    case 'backup': {
      const size = files.find((file) => file.name === name)?.size;
      return (
        <Notice kind="success">
          Backup written: <strong className="file-name">{name}</strong>
          {size !== undefined && ` (${formatBytes(size)})`}. Download a copy to keep it somewhere other than this machine.
        </Notice>
      );
    }
    case 'verify':
      return (
        <Notice kind="success">
          <strong className="file-name">{name}</strong> is sound: it opens with this passphrase, and every table in it matches its checksum.
        </Notice>
      );
    case 'restore':
      return (
        <Notice kind="success">
          Restored from <strong className="file-name">{name}</strong>
          {run.finishedAt && ` at ${formatTime(run.finishedAt)}`}: Gatehouse’s data is now what the backup holds. You may need to{' '}
          <a href="/">sign in again</a>: your session may not be in the backup.
        </Notice>
      );
  }
}

function RunProgress({ run }: { run: BackupRun }) {
  const labelId = useId();
  // A backup's total is the planner's estimate, which the real count can pass.
  const total = run.rowsTotal ? Math.max(run.rowsTotal, run.rowsDone) : null;
  return (
    <div className="run-progress">
      <p id={labelId} className="run-phase" aria-live="polite">
        {KIND_LABEL[run.kind]}
        {run.trigger === 'schedule' && ' (scheduled)'}: {phaseLabel(run)}…
      </p>
      <progress aria-labelledby={labelId} max={total ?? undefined} value={total === null ? undefined : run.rowsDone} />
      <p className="run-figures">
        {run.rowsDone.toLocaleString()}
        {total !== null && ` of ${total.toLocaleString()}`} rows · {formatMiB(run.bytesDone)}
      </p>
    </div>
  );
}
