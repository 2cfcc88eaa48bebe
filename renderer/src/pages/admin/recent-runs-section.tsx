// The latest backups, verifies and restores, whoever or whatever started them.
import type { BackupRun } from '../../api/backups';
import { formatTime, KIND_LABEL } from './format';

export function RecentRunsSection({ runs }: { runs: BackupRun[] }) {
  return (
    <section className="card panel" aria-labelledby="recent-runs-heading">
      <h2 id="recent-runs-heading">Recent runs</h2>
      {runs.length === 0 ? (
        <p className="empty">Nothing has run yet.</p>
      ) : (
        <table className="data-table">
          <caption className="visually-hidden">Recent backup, verify and restore runs</caption>
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Trigger</th>
              <th scope="col">Status</th>
              <th scope="col">Started</th>
              <th scope="col">By</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr key={run.id}>
                <th scope="row" data-label="Kind">
                  {KIND_LABEL[run.kind]}
                </th>
                <td data-label="Trigger">{run.trigger === 'schedule' ? 'Schedule' : 'Manual'}</td>
                <td data-label="Status">
                  <span className={`status status-${run.status}`}>{run.status}</span>
                </td>
                <td data-label="Started">
                  <time dateTime={run.startedAt}>{formatTime(run.startedAt)}</time>
                </td>
                <td data-label="By">{run.startedBy ?? 'unknown'}</td>
                <td data-label="Error" className={run.error ? 'run-error' : 'no-error'}>
                  {run.error ?? '–'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
