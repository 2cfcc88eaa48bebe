// The scopes of a token as a grid: one row per area of the API, a read and a write column. Each checkbox is named
// by its row and column ("Users: read"), so it reads right without the table around it.
import type { AdminScope } from '../../../api/tokens';

const AREA_LABEL: Record<string, string> = {
  status: 'Status',
  users: 'Users',
  groups: 'Groups',
  applications: 'Applications',
  sessions: 'Sessions',
  events: 'Events',
  settings: 'Settings',
  backups: 'Backups',
};

export function areaLabel(area: string): string {
  return AREA_LABEL[area] ?? area;
}

export function scopeLabel(scope: string): string {
  const [area, access] = scope.split(':');
  return `${areaLabel(area ?? scope)}: ${access ?? ''}`;
}

/** The areas in the order the server lists their scopes, each with the scopes it has. */
function areasOf(scopes: readonly AdminScope[]): Array<{ area: string; read?: AdminScope; write?: AdminScope }> {
  const areas = new Map<string, { area: string; read?: AdminScope; write?: AdminScope }>();
  for (const scope of scopes) {
    const [area, access] = scope.split(':') as [string, string];
    const entry = areas.get(area) ?? { area };
    if (access === 'read') entry.read = scope;
    if (access === 'write') entry.write = scope;
    areas.set(area, entry);
  }
  return [...areas.values()];
}

export function ScopeGrid({ available, selected, onChange, error }: { available: readonly AdminScope[]; selected: AdminScope[]; onChange: (scopes: AdminScope[]) => void; error?: string }) {
  const toggle = (scope: AdminScope, on: boolean) => onChange(on ? [...selected, scope] : selected.filter((current) => current !== scope));
  const reads = available.filter((scope) => scope.endsWith(':read'));
  const cell = (scope: AdminScope | undefined) =>
    scope ? (
      <label className="scope-cell">
        <input type="checkbox" checked={selected.includes(scope)} onChange={(event) => toggle(scope, event.target.checked)} aria-invalid={error ? true : undefined} />
        <span className="visually-hidden">{scopeLabel(scope)}</span>
      </label>
    ) : (
      <span className="scope-none" aria-label="not available">—</span>
    );
  return (
    <fieldset className={error ? 'scope-grid field-invalid' : 'scope-grid'} aria-describedby={error ? 'scope-grid-error' : 'scope-grid-hint'}>
      <legend>Scopes</legend>
      <p className="hint" id="scope-grid-hint">
        What the token may do. Give it only what the script or tool using it needs.
      </p>
      <table className="scope-table">
        <thead>
          <tr>
            <th scope="col">Area</th>
            <th scope="col">Read</th>
            <th scope="col">Write</th>
          </tr>
        </thead>
        <tbody>
          {areasOf(available).map(({ area, read, write }) => (
            <tr key={area}>
              <th scope="row">{areaLabel(area)}</th>
              <td>{cell(read)}</td>
              <td>{cell(write)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="scope-shortcuts">
        <button type="button" className="secondary button-small" onClick={() => onChange([...reads])}>
          Read everything
        </button>
        <button type="button" className="secondary button-small" onClick={() => onChange([...available])}>
          Everything
        </button>
        <button type="button" className="secondary button-small" onClick={() => onChange([])}>
          None
        </button>
      </div>
      {error && (
        <p className="field-error" id="scope-grid-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
