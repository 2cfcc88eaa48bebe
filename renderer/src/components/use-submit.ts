// One submission at a time: `busy` while it runs, and the error it ended with, for the form to show.
import { useCallback, useState } from 'react';
import { ApiError } from '../api/flow';

export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  /** Runs the task; resolves with the error it failed with (also kept in `error`), or null. */
  const run = useCallback(async (task: () => Promise<unknown>): Promise<ApiError | null> => {
    setBusy(true);
    setError(null);
    try {
      await task();
      return null;
    } catch (caught) {
      const failure = caught instanceof ApiError ? caught : new ApiError(0, 'unexpected_error', 'Something went wrong in this page. Reload it and try again.');
      setError(failure);
      return failure;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
