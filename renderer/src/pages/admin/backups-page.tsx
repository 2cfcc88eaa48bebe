// /admin/backups — back up now, the backup files (download, verify, restore, upload), the schedule, and recent runs.
// Inside the control UI's frame, which sends a visitor who is not signed in to sign in, and turns away non-admins.
import { useCallback, useEffect, useState } from 'react';
import { backupsApi, type BackupRun, type BackupsView } from '../../api/backups';
import { ApiError } from '../../api/flow';
import { AdminShell } from '../../components/admin-shell';
import { Loading, Notice } from '../../components/notice';
import { BackupNowSection } from './backup-now-section';
import { BackupFilesSection } from './backup-files-section';
import { RecentRunsSection } from './recent-runs-section';
import { RunStatus } from './run-status';
import { ScheduleSection } from './schedule-section';
import { useTrackedRun } from './use-tracked-run';

const TITLE = 'Backups';

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, 'unexpected_error', 'Something went wrong in this page. Reload it and try again.');
}

export function BackupsPage() {
  return (
    <AdminShell title={TITLE} section="backups">
      <Backups />
    </AdminShell>
  );
}

function Backups() {
  const [view, setView] = useState<BackupsView | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);

  const refresh = useCallback(async () => {
    try {
      setView(await backupsApi.overview());
      setFailure(null);
    } catch (error) {
      setFailure(asApiError(error));
    }
  }, []);
  // A restore replaces the schedule settings too: the schedule form then starts again from what the server has.
  const [scheduleGeneration, setScheduleGeneration] = useState(0);
  const tracker = useTrackedRun((ended) =>
    void refresh().then(() => {
      if (ended.kind === 'restore') setScheduleGeneration((generation) => generation + 1);
    }),
  );
  const { track } = tracker;

  useEffect(() => {
    backupsApi.overview().then(
      (loaded) => {
        setView(loaded);
        // A run started earlier (by another tab, the CLI or the schedule) is followed like one started here.
        const running = loaded.runs.find((run) => run.status === 'running');
        if (running) track(running);
      },
      (error: unknown) => setFailure(asApiError(error)),
    );
  }, [track]);

  const started = useCallback(
    (run: BackupRun) => {
      track(run);
      void refresh();
    },
    [track, refresh],
  );

  if (!view) {
    return failure ? (
      <Notice kind="error">
        {failure.message}{' '}
        <button type="button" className="link" onClick={() => void refresh()}>
          Try again
        </button>
      </Notice>
    ) : (
      <Loading />
    );
  }

  const { run, lost } = tracker;
  const busy = run?.status === 'running' && !lost;
  const status = (kinds: BackupRun['kind'][]) => run && kinds.includes(run.kind) && <RunStatus run={run} lost={lost} files={view.files} />;
  return (
    <>
      <p className="lead">Back up Gatehouse’s data to an encrypted file, restore from one, and back up on a schedule.</p>
      {failure && <Notice kind="error">{failure.message}</Notice>}
      <BackupNowSection busy={busy} onStarted={started} status={status(['backup'])} />
      <BackupFilesSection files={view.files} backupsDir={view.backupsDir} busy={busy} status={status(['verify', 'restore'])} onStarted={started} onUploaded={() => void refresh()} />
      <ScheduleSection key={scheduleGeneration} schedule={view.schedule} backupsDir={view.backupsDir} onSaved={(schedule) => setView((current) => current && { ...current, schedule })} />
      <RecentRunsSection runs={view.runs} />
    </>
  );
}
