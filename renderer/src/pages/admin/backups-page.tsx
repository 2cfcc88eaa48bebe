// /admin/backups — back up now, the backup files (download, verify, restore, upload), the schedule, and recent runs.
import { useCallback, useEffect, useState } from 'react';
import { backupsApi, type BackupRun, type BackupsView } from '../../api/backups';
import { ApiError } from '../../api/flow';
import { Layout, Shell } from '../../components/layout';
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

  if (failure?.status === 401) {
    return (
      <Layout title={TITLE}>
        {tracker.run && <RunStatus run={tracker.run} lost={tracker.run.status === 'running' ? 'signed-out' : null} files={[]} />}
        <Notice kind="info">
          You are not signed in. <a href="/">Sign in as an admin</a> to manage backups.
        </Notice>
      </Layout>
    );
  }
  if (failure?.status === 403) {
    return (
      <Layout title={TITLE}>
        <Notice kind="error">Only admins can manage backups, and the account you are signed in with is not one. Ask an admin of this Gatehouse.</Notice>
        <p>
          <a href="/">Go to your Gatehouse account</a>
        </p>
      </Layout>
    );
  }
  if (!view) {
    return (
      <Layout title={TITLE}>
        {failure ? (
          <Notice kind="error">
            {failure.message}{' '}
            <button type="button" className="link" onClick={() => void refresh()}>
              Try again
            </button>
          </Notice>
        ) : (
          <Loading />
        )}
      </Layout>
    );
  }

  const { run, lost } = tracker;
  const busy = run?.status === 'running' && !lost;
  const status = (kinds: BackupRun['kind'][]) => run && kinds.includes(run.kind) && <RunStatus run={run} lost={lost} files={view.files} />;
  return (
    <Shell title={TITLE}>
      <main className="admin">
        <h1>{TITLE}</h1>
        <p className="lead">Back up Gatehouse’s data to an encrypted file, restore from one, and back up on a schedule.</p>
        {failure && <Notice kind="error">{failure.message}</Notice>}
        <BackupNowSection busy={busy} onStarted={started} status={status(['backup'])} />
        <BackupFilesSection files={view.files} backupsDir={view.backupsDir} busy={busy} status={status(['verify', 'restore'])} onStarted={started} onUploaded={() => void refresh()} />
        <ScheduleSection key={scheduleGeneration} schedule={view.schedule} backupsDir={view.backupsDir} onSaved={(schedule) => setView((current) => current && { ...current, schedule })} />
        <RecentRunsSection runs={view.runs} />
      </main>
    </Shell>
  );
}
