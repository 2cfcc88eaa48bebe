// Filters kept in the address's query string (?search=ann&status=disabled), so a reload, a bookmark or a shared
// link shows the same list. Changes replace the history entry: typing a search does not fill the Back button.
import { useCallback, useState } from 'react';

export type QueryParams<K extends string> = Record<K, string>;

function read<K extends string>(keys: readonly K[]): QueryParams<K> {
  const params = new URLSearchParams(window.location.search);
  return Object.fromEntries(keys.map((key) => [key, params.get(key) ?? ''])) as QueryParams<K>;
}

export function useQueryParams<K extends string>(keys: readonly K[]): [QueryParams<K>, (changes: Partial<QueryParams<K>>) => void] {
  const [values, setValues] = useState(() => read(keys));
  const update = useCallback((changes: Partial<QueryParams<K>>) => {
    setValues((current) => {
      const next = { ...current, ...changes };
      const params = new URLSearchParams(window.location.search);
      for (const [key, value] of Object.entries(changes) as Array<[string, string | undefined]>) {
        if (value) params.set(key, value);
        else params.delete(key);
      }
      const search = params.toString();
      window.history.replaceState(window.history.state, '', `${window.location.pathname}${search ? `?${search}` : ''}${window.location.hash}`);
      return next;
    });
  }, []);
  return [values, update];
}
