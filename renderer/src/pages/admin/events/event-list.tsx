// Events as a table: when, what, by whom, about what (linked to its page), from where, and the details of each
// on demand (a change shown as before → after). `compact` leaves out the address and details (dashboard, user page).
import { Fragment, useState } from 'react';
import type { EventView } from '../../../api/events';
import { AbsoluteTime, RelativeTime } from '../../../components/relative-time';
import { StatusBadge } from '../../../components/status-badge';
import { EventData } from './event-data';
import { targetHref, toneOf, typeLabel } from './event-words';

export function EventTarget({ target }: { target: EventView['target'] }) {
  if (!target) return <span className="none">—</span>;
  const href = targetHref(target);
  // Without a label, an id: a long one (a UUID) is shortened, its whole self on hover.
  const label = target.label ?? (target.id.length > 16 ? `${target.id.slice(0, 8)}…` : target.id);
  return (
    <>
      {href ? (
        <a href={href} title={target.label ? undefined : target.id}>
          {label}
        </a>
      ) : (
        <span title={target.label ? undefined : target.id}>{label}</span>
      )}
      <span className="cell-detail">{target.type.replace(/_/g, ' ')}</span>
    </>
  );
}

function EventActor({ event }: { event: EventView }) {
  if (!event.actor) return <span className="none">—</span>;
  return event.actorUserId ? <a href={`/admin/users/${event.actorUserId}`}>{event.actor}</a> : <span>{event.actor}</span>;
}

export function EventList({ events, compact = false, fresh }: { events: EventView[]; compact?: boolean; fresh?: ReadonlySet<string> }) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const columns = compact ? 4 : 6;
  function toggle(id: string) {
    setOpen((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }
  return (
    <div className="table-scroll">
      <table className={compact ? 'data-table event-table compact-table' : 'data-table event-table'}>
        <caption className="visually-hidden">Events, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Event</th>
            <th scope="col">By</th>
            <th scope="col">About</th>
            {!compact && <th scope="col">From</th>}
            {!compact && (
              <th scope="col">
                <span className="visually-hidden">Details</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {events.map((event) => {
            const isOpen = open.has(event.id);
            const detailsId = `event-details-${event.id}`;
            return (
              <Fragment key={event.id}>
                <tr className={fresh?.has(event.id) ? 'event-row event-fresh' : 'event-row'}>
                  <td data-label="Time">
                    {compact ? <RelativeTime value={event.occurredAt} /> : <AbsoluteTime value={event.occurredAt} withSeconds />}
                  </td>
                  <th scope="row" data-label="Event">
                    <StatusBadge tone={toneOf(event.type)}>{typeLabel(event.type)}</StatusBadge>
                    {!compact && <code className="cell-detail event-code">{event.type}</code>}
                  </th>
                  <td data-label="By">
                    <EventActor event={event} />
                  </td>
                  <td data-label="About">
                    <EventTarget target={event.target} />
                  </td>
                  {!compact && (
                    <td data-label="From">{event.sourceAddress ? <span className="mono">{event.sourceAddress}</span> : <span className="none">—</span>}</td>
                  )}
                  {!compact && (
                    <td className="row-actions">
                      <button type="button" className="secondary button-small" aria-expanded={isOpen} aria-controls={isOpen ? detailsId : undefined} onClick={() => toggle(event.id)}>
                        {isOpen ? 'Hide details' : 'Details'}
                        <span className="visually-hidden"> of {typeLabel(event.type)} at {new Date(event.occurredAt).toLocaleString()}</span>
                      </button>
                    </td>
                  )}
                </tr>
                {isOpen && (
                  <tr className="event-details-row" id={detailsId}>
                    <td colSpan={columns}>
                      <EventData data={event.data} requestId={event.requestId} />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
