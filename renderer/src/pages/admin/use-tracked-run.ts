// The run in progress on this page (a backup, verify or restore): polled every half second until it ends.
import { useCallback, useEffect, useRef, useState } from 'react';
import { backupsApi, type BackupRun } from '../../api/backups';
import { ApiError } from '../../api/flow';

const POLL_MS = 500;
/** Failed polls in a row before the page stops watching (20 seconds). */
const MAX_FAILED_POLLS = 40;

/** Why the page stopped watching before the run ended. */
export type LostRun = 'signed-out' | 'unreachable';

export interface TrackedRun {
  run: BackupRun | null;
  lost: LostRun | null;
  /** Watches a run just started (or found running when the page loaded). */
  track(run: BackupRun): void;
}

export function useTrackedRun(onEnded: (run: BackupRun) => void): TrackedRun {
  const [run, setRun] = useState<BackupRun | null>(null);
  const [lost, setLost] = useState<LostRun | null>(null);
  const [attempt, setAttempt] = useState(0);
  const failedPolls = useRef(0);
  const onEndedRef = useRef(onEnded);
  useEffect(() => {
    onEndedRef.current = onEnded;
  }, [onEnded]);

  useEffect(() => {
    if (!run || run.status !== 'running' || lost) return;
    let stopped = false;
    const timer = setTimeout(() => {
      backupsApi.run(run.id).then(
        (next) => {
          if (stopped) return;
          failedPolls.current = 0;
          setRun(next);
          if (next.status !== 'running') onEndedRef.current(next);
        },
        (error: unknown) => {
          if (stopped) return;
          // A restore swaps in the backup's tables: until it ends, its own run is missing (404), and when the backup
          // does not hold this browser's session, the API answers 401 from then on.
          if (error instanceof ApiError && error.status === 401) return setLost('signed-out');
          failedPolls.current += 1;
          if (failedPolls.current >= MAX_FAILED_POLLS) setLost('unreachable');
          else setAttempt((n) => n + 1);
        },
      );
    }, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [run, attempt, lost]);

  const track = useCallback((started: BackupRun) => {
    failedPolls.current = 0;
    setLost(null);
    setRun(started);
  }, []);

  return { run, lost, track };
}
