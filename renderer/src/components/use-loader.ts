// Loads what a page shows, again whenever its inputs change, and on demand (a live update, after a change).
// The data already shown stays while a newer answer is awaited, so a live refetch never blanks the page; an answer
// that arrives after a newer request was made is dropped, so a slow old search never overwrites a new one.
import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import { ApiError } from '../api/flow';

export interface Loader<T> {
  /** The last answer, kept while a newer one loads; null before the first. */
  data: T | null;
  /** Why the last load failed, if it did (the data of an earlier load is kept). */
  error: ApiError | null;
  /** True while a load that the visitor asked for (not a quiet live refetch) runs. */
  loading: boolean;
  /** Loads again; `quiet` for a live refetch, which does not mark the page busy. */
  reload: (quiet?: boolean) => void;
  /** Replaces the data with an answer the page already has (the result of a save). */
  setData: (data: T) => void;
}

export function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, 'unexpected_error', 'Something went wrong in this page. Reload it and try again.');
}

export function useLoader<T>(load: () => Promise<T>, deps: DependencyList): Loader<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const latestLoad = useRef(load);
  latestLoad.current = load;
  const sequence = useRef(0);

  const reload = useCallback((quiet = false) => {
    const mine = ++sequence.current;
    if (!quiet) setLoading(true);
    latestLoad.current().then(
      (answer) => {
        if (mine !== sequence.current) return;
        setData(answer);
        setError(null);
        setLoading(false);
      },
      (failure: unknown) => {
        if (mine !== sequence.current) return;
        setError(asApiError(failure));
        setLoading(false);
      },
    );
  }, []);

  // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller names what the load depends on.
  useEffect(() => reload(), deps);

  const replace = useCallback((answer: T) => {
    sequence.current++;
    setData(answer);
    setError(null);
    setLoading(false);
  }, []);
  return { data, error, loading, reload, setData: replace };
}
