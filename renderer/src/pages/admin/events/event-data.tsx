// An event's details, readably: a change as a table of the fields that changed (before → after), the rest as
// name: value. Values are shown as text (never as HTML), objects as indented JSON.
import type { ReactNode } from 'react';

type Json = unknown;

function isRecord(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function same(a: Json, b: Json): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function fieldLabel(key: string): string {
  // isActive → "Active", email_verified → "Email verified".
  const spaced = key
    .replace(/^is(?=[A-Z])/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_.]+/g, ' ')
    .toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

export function ShownValue({ value }: { value: Json }): ReactNode {
  if (value === null || value === undefined || value === '') return <span className="none">(none)</span>;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' || typeof item === 'number')) {
    return value.length === 0 ? <span className="none">(none)</span> : value.join(', ');
  }
  return <pre className="json">{JSON.stringify(value, null, 2)}</pre>;
}

function ChangeTable({ before, after }: { before: Record<string, Json>; after: Record<string, Json> }) {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const changed = keys.filter((key) => !same(before[key], after[key]));
  const unchanged = keys.length - changed.length;
  if (changed.length === 0) return <p className="hint">Nothing changed.</p>;
  return (
    <>
      <table className="change-table">
        <caption className="visually-hidden">What changed</caption>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {changed.map((key) => (
            <tr key={key}>
              <th scope="row">{fieldLabel(key)}</th>
              <td className="change-before">
                <ShownValue value={before[key]} />
              </td>
              <td className="change-after">
                <ShownValue value={after[key]} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {unchanged > 0 && <p className="hint">{unchanged === 1 ? '1 other field' : `${unchanged} other fields`} unchanged.</p>}
    </>
  );
}

export function EventData({ data, requestId }: { data: Record<string, Json>; requestId: string | null }) {
  const { before, after, ...rest } = data;
  const isChange = isRecord(before) || isRecord(after);
  const restKeys = Object.keys(isChange ? rest : data);
  return (
    <div className="event-data">
      {isChange && <ChangeTable before={isRecord(before) ? before : {}} after={isRecord(after) ? after : {}} />}
      {(restKeys.length > 0 || requestId) && (
        <dl className="facts facts-compact">
          {restKeys.map((key) => (
            <div key={key} className="facts-row">
              <dt>{fieldLabel(key)}</dt>
              <dd>
                <ShownValue value={(isChange ? rest : data)[key]} />
              </dd>
            </div>
          ))}
          {requestId && (
            <div className="facts-row">
              <dt>Request id</dt>
              <dd className="mono">{requestId}</dd>
            </div>
          )}
        </dl>
      )}
      {!isChange && restKeys.length === 0 && !requestId && <p className="hint">No further details.</p>}
    </div>
  );
}
