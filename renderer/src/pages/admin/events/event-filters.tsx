// The Events page's filters: type (grouped by category, or a whole category), user, application, and a time range.
// Every one is kept in the address by the page.
import { useId } from 'react';
import { eventsApi } from '../../../api/events';
import { useLoader } from '../../../components/use-loader';
import { UserFilter } from '../sessions/user-filter';
import { categoryLabel, categoryOf, typeLabel } from './event-words';

export interface EventFilterValues {
  type: string;
  userId: string;
  applicationId: string;
  /** datetime-local values (the browser's local time), or ''. */
  from: string;
  to: string;
}

function groupByCategory(types: string[]): Array<[string, string[]]> {
  const groups = new Map<string, string[]>();
  for (const type of [...types].sort()) {
    const category = categoryOf(type);
    groups.set(category, [...(groups.get(category) ?? []), type]);
  }
  return [...groups];
}

export function EventFilters({ values, onChange }: { values: EventFilterValues; onChange: (changes: Partial<EventFilterValues>) => void }) {
  const id = useId();
  const types = useLoader(() => eventsApi.types(), []);
  // Only to offer names; without them (no right, or an error) the filter takes an application id as text.
  const applications = useLoader(() => eventsApi.applications().catch(() => null), []);
  const categories = groupByCategory(types.data?.types ?? []);
  const knownType = values.type === '' || categories.some(([category, list]) => `${category}.` === values.type || list.includes(values.type));
  const filtered = Object.values(values).some(Boolean);

  return (
    <form className="filters" aria-label="Filter events" onSubmit={(event) => event.preventDefault()}>
      <div className="field">
        <label htmlFor={`${id}-type`}>Type</label>
        <select id={`${id}-type`} value={values.type} onChange={(event) => onChange({ type: event.target.value })}>
          <option value="">All events</option>
          {!knownType && <option value={values.type}>{typeLabel(values.type)}</option>}
          {categories.map(([category, list]) => (
            <optgroup key={category} label={categoryLabel(category)}>
              <option value={`${category}.`}>All {categoryLabel(category).toLowerCase()} events</option>
              {list.map((type) => (
                <option key={type} value={type}>
                  {typeLabel(type)}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </div>
      <UserFilter label="User" userId={values.userId} everyone="Any user" onChange={(userId) => onChange({ userId })} />
      <div className="field">
        <label htmlFor={`${id}-application`}>Application</label>
        {applications.data ? (
          <select id={`${id}-application`} value={values.applicationId} onChange={(event) => onChange({ applicationId: event.target.value })}>
            <option value="">Any application</option>
            {values.applicationId && !applications.data.items.some((app) => app.id === values.applicationId) && <option value={values.applicationId}>{values.applicationId}</option>}
            {applications.data.items.map((app) => (
              <option key={app.id} value={app.id}>
                {app.name}
              </option>
            ))}
          </select>
        ) : (
          <input id={`${id}-application`} value={values.applicationId} placeholder="Application id" onChange={(event) => onChange({ applicationId: event.target.value.trim() })} />
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-from`}>From</label>
        <input id={`${id}-from`} type="datetime-local" value={values.from} max={values.to || undefined} onChange={(event) => onChange({ from: event.target.value })} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-to`}>To</label>
        <input id={`${id}-to`} type="datetime-local" value={values.to} min={values.from || undefined} onChange={(event) => onChange({ to: event.target.value })} />
      </div>
      {filtered && (
        <div className="filters-clear">
          <button type="button" className="secondary button-small" onClick={() => onChange({ type: '', userId: '', applicationId: '', from: '', to: '' })}>
            Clear filters
          </button>
        </div>
      )}
    </form>
  );
}
