// A panel of the latest events (all of them, or a user's), newest first, with the way to the Events page.
// The dashboard and a user's page show one; it follows new events live.
import { eventsApi, type ListEventsQuery } from '../../../api/events';
import { useLive } from '../../../api/live';
import { EmptyState } from '../../../components/empty-state';
import { LoadProblem } from '../../../components/load-problem';
import { Loading } from '../../../components/notice';
import { useLoader } from '../../../components/use-loader';
import { EventList } from './event-list';

const SHOWN = 10;

export interface RecentEventsPanelProps {
  /** Which events; the panel shows the latest ten. */
  query: Omit<ListEventsQuery, 'limit' | 'cursor'>;
  emptyTitle: string;
  link: { href: string; label: string };
}

export function RecentEventsPanel({ query, emptyTitle, link }: RecentEventsPanelProps) {
  const queryKey = JSON.stringify(query);
  const events = useLoader(() => eventsApi.list({ ...query, limit: SHOWN }), [queryKey]);
  useLive(['events'], () => events.reload(true));
  return (
    <section className="card panel" aria-labelledby="recent-events-heading">
      <div className="panel-title">
        <h2 id="recent-events-heading">Recent events</h2>
        <a className="secondary button-small" href={link.href}>
          {link.label}
        </a>
      </div>
      {events.error && <LoadProblem error={events.error} onRetry={() => events.reload()} />}
      {!events.data ? (
        !events.error && <Loading>Loading events…</Loading>
      ) : events.data.items.length === 0 ? (
        <EmptyState title={emptyTitle} />
      ) : (
        <EventList events={events.data.items} compact />
      )}
    </section>
  );
}
