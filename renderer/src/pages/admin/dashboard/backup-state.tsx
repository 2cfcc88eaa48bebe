// When Gatehouse was last backed up, and whether a later backup failed, with the way to the Backups page.
import type { StatusView } from '../../../api/status';
import { Notice } from '../../../components/notice';
import { RelativeTime } from '../../../components/relative-time';

export function BackupState({ backups }: { backups: StatusView['backups'] }) {
  const { lastSucceededAt, lastFailedAt } = backups;
  const failedSince = lastFailedAt !== null && (lastSucceededAt === null || Date.parse(lastFailedAt) > Date.parse(lastSucceededAt));
  return (
    <section className="card panel" aria-labelledby="backup-heading">
      <h2 id="backup-heading">Backups</h2>
      {failedSince && (
        <Notice kind="error">
          The last backup failed (<RelativeTime value={lastFailedAt} />). See what went wrong on the Backups page.
        </Notice>
      )}
      <p>
        {lastSucceededAt ? (
          <>
            Last backup: <RelativeTime value={lastSucceededAt} />.
          </>
        ) : (
          'Gatehouse has not been backed up yet.'
        )}
      </p>
      <a className="secondary button-small" href="/admin/backups">
        {lastSucceededAt ? 'Open backups' : 'Back up now'}
      </a>
    </section>
  );
}
