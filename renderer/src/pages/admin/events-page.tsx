// /admin/events — the audit log, newest first: filtered by type, user, application and time (kept in the address),
// a page at a time, each event's details on demand. New events appear at the top of the first page as they happen.
import { useEffect, useRef, useState } from 'react';
import { eventsApi, type ListEventsQuery } from '../../api/events';
import { useLive } from '../../api/live';
import { AdminShell } from '../../components/admin-shell';
import { EmptyState } from '../../components/empty-state';
import { LoadProblem } from '../../components/load-problem';
import { Loading } from '../../components/notice';
import { Pager, usePager } from '../../components/pager';
import { useLoader } from '../../components/use-loader';
import { useQueryParams } from '../../components/use-query-params';
import { EventFilters, type EventFilterValues } from './events/event-filters';
import { EventList } from './events/event-list';

const PAGE_SIZE = 50;
const FILTER_KEYS = ['type', 'userId', 'applicationId', 'from', 'to'] as const;
const TYPE = /^[a-z][a-z0-9_]*(\.[a-z0-9_]*)*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const APPLICATION_ID = /^[a-z0-9][a-z0-9-]{2,63}$/;

/** A datetime-local value (local time) as the API's timestamp; undefined when empty or unreadable. */
function toTimestamp(local: string): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function apiQuery(values: EventFilterValues): ListEventsQuery {
  return {
    type: TYPE.test(values.type) ? values.type : undefined,
    userId: UUID.test(values.userId) ? values.userId : undefined,
    applicationId: APPLICATION_ID.test(values.applicationId) ? values.applicationId : undefined,
    from: toTimestamp(values.from),
    to: toTimestamp(values.to),
  };
}

export function EventsPage() {
  return (
    <AdminShell title="Events" section="events">
      <EventsLog />
    </AdminShell>
  );
}

function EventsLog() {
  const [values, setValues] = useQueryParams(FILTER_KEYS);
  const query = apiQuery(values);
  const queryKey = JSON.stringify(query);
  const pager = usePager();
  const events = useLoader(() => eventsApi.list({ ...query, cursor: pager.cursor, limit: PAGE_SIZE }), [queryKey, pager.cursor]);
  useLive(['events'], () => events.reload(true));

  // Events that arrived while the first page was open are marked for a moment (not those of the first load).
  const seen = useRef<{ key: string; ids: Set<string> } | null>(null);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const viewKey = `${queryKey}|${pager.pageNumber}`;
  useEffect(() => {
    const items = events.data?.items;
    if (!items) return;
    const before = seen.current;
    seen.current = { key: viewKey, ids: new Set(items.map((event) => event.id)) };
    if (before?.key !== viewKey || pager.pageNumber !== 1) return setFresh(new Set());
    setFresh(new Set(items.filter((event) => !before.ids.has(event.id)).map((event) => event.id)));
  }, [events.data, viewKey, pager.pageNumber]);

  const filtered = Object.values(query).some((value) => value !== undefined);
  return (
    <section aria-label="Events">
      <EventFilters
        values={values}
        onChange={(changes) => {
          pager.reset();
          setValues(changes);
        }}
      />
      {events.error && <LoadProblem error={events.error} onRetry={() => events.reload()} />}
      {!events.data ? (
        !events.error && <Loading>Loading events…</Loading>
      ) : events.data.items.length === 0 ? (
        <EmptyState title={filtered ? 'No event matches these filters.' : 'Nothing has happened yet.'}>
          {filtered && <p>Widen the time range, or clear a filter.</p>}
        </EmptyState>
      ) : (
        <div aria-busy={events.loading}>
          <EventList events={events.data.items} fresh={fresh} />
          <Pager pager={pager} nextCursor={events.data.nextCursor} label="Pages of events" />
        </div>
      )}
    </section>
  );
}
