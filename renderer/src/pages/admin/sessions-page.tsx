// /admin/sessions — every live session, newest activity first, optionally of one user (kept in the address), a page
// at a time; revoke one, or all of a user's. A new sign-in anywhere shows here at once (live: sessions).
import { sessionsApi } from '../../api/sessions';
import { useLive } from '../../api/live';
import { AdminShell } from '../../components/admin-shell';
import { EmptyState } from '../../components/empty-state';
import { LoadProblem } from '../../components/load-problem';
import { Loading } from '../../components/notice';
import { Pager, usePager } from '../../components/pager';
import { useLoader } from '../../components/use-loader';
import { useQueryParams } from '../../components/use-query-params';
import { SessionsTable } from './sessions/sessions-table';
import { useCurrentSessionId } from './sessions/use-current-session';
import { UserFilter } from './sessions/user-filter';

const PAGE_SIZE = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function SessionsPage() {
  return (
    <AdminShell title="Sessions" section="sessions">
      <SessionsList />
    </AdminShell>
  );
}

function SessionsList() {
  const [query, setQuery] = useQueryParams(['userId'] as const);
  const userId = UUID.test(query.userId) ? query.userId : '';
  const pager = usePager();
  const sessions = useLoader(() => sessionsApi.list({ userId: userId || undefined, cursor: pager.cursor, limit: PAGE_SIZE }), [userId, pager.cursor]);
  useLive(['sessions'], () => sessions.reload(true));
  const currentSessionId = useCurrentSessionId();

  return (
    <section aria-label="Sessions">
      <p className="lead">Everyone signed in to Gatehouse now. Revoking a session signs that browser out at once; apps opened from it can no longer refresh their tokens.</p>
      <div className="toolbar">
        <UserFilter
          label="Filter by user"
          userId={userId}
          everyone="Show everyone’s sessions"
          onChange={(id) => {
            pager.reset();
            setQuery({ userId: id });
          }}
        />
      </div>
      {sessions.error && <LoadProblem error={sessions.error} onRetry={() => sessions.reload()} />}
      {!sessions.data ? (
        !sessions.error && <Loading>Loading sessions…</Loading>
      ) : sessions.data.items.length === 0 ? (
        <EmptyState title={userId ? 'This user is not signed in anywhere.' : 'Nobody is signed in.'} />
      ) : (
        <div aria-busy={sessions.loading}>
          <SessionsTable sessions={sessions.data.items} showUser currentSessionId={currentSessionId} onChanged={() => sessions.reload(true)} />
          <Pager pager={pager} nextCursor={sessions.data.nextCursor} label="Pages of sessions" />
        </div>
      )}
    </section>
  );
}
