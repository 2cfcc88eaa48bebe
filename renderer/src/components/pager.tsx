// Keyset paging for a list whose API answers { items, nextCursor }: Previous / Next, remembering the cursors of the
// pages already seen (a keyset API can only go forward). usePager gives the cursor to fetch with.
import { useCallback, useState } from 'react';

export function usePager() {
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const next = useCallback((nextCursor: string) => setCursors((seen) => [...seen, nextCursor]), []);
  const previous = useCallback(() => setCursors((seen) => (seen.length > 1 ? seen.slice(0, -1) : seen)), []);
  /** Back to the first page (a new search or filter). */
  const reset = useCallback(() => setCursors([undefined]), []);
  return { cursor, pageNumber: cursors.length, next, previous, reset };
}

export function Pager({ pager, nextCursor, label }: { pager: ReturnType<typeof usePager>; nextCursor: string | null; label: string }) {
  if (pager.pageNumber === 1 && nextCursor === null) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" className="secondary button-small" onClick={pager.previous} disabled={pager.pageNumber === 1}>
        Previous
      </button>
      <span className="pager-page">Page {pager.pageNumber}</span>
      <button type="button" className="secondary button-small" onClick={() => nextCursor && pager.next(nextCursor)} disabled={nextCursor === null}>
        Next
      </button>
    </nav>
  );
}
