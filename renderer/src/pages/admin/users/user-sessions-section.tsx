// The user's live sessions, with revoke one and revoke all (each asks first).
import { useState } from 'react';
import { sessionsApi } from '../../../api/sessions';
import { useLive } from '../../../api/live';
import type { UserDetail } from '../../../api/users';
import { EmptyState } from '../../../components/empty-state';
import { LoadProblem } from '../../../components/load-problem';
import { Loading } from '../../../components/notice';
import { Pager, usePager } from '../../../components/pager';
import { useLoader } from '../../../components/use-loader';
import { RevokeAllDialog, SessionsTable } from '../sessions/sessions-table';

export function UserSessionsSection({ user, currentSessionId }: { user: UserDetail; currentSessionId: string | null }) {
  const pager = usePager();
  const sessions = useLoader(() => sessionsApi.list({ userId: user.id, cursor: pager.cursor, limit: 20 }), [user.id, pager.cursor]);
  useLive(['sessions'], () => sessions.reload(true));
  const [askingAll, setAskingAll] = useState(false);
  const items = sessions.data?.items ?? [];

  return (
    <section className="card panel" aria-labelledby="sessions-heading">
      <div className="panel-title">
        <h2 id="sessions-heading">Sessions</h2>
        {items.length > 0 && (
          <button type="button" className="secondary button-small" onClick={() => setAskingAll(true)}>
            Revoke all
          </button>
        )}
      </div>
      {sessions.error && <LoadProblem error={sessions.error} onRetry={() => sessions.reload()} />}
      {!sessions.data ? (
        !sessions.error && <Loading>Loading sessions…</Loading>
      ) : items.length === 0 ? (
        <EmptyState title={`${user.username} is not signed in anywhere.`} />
      ) : (
        <>
          <SessionsTable sessions={items} showUser={false} currentSessionId={currentSessionId} onChanged={() => sessions.reload(true)} />
          <Pager pager={pager} nextCursor={sessions.data.nextCursor} label={`Pages of ${user.username}’s sessions`} />
        </>
      )}
      {askingAll && (
        <RevokeAllDialog
          userId={user.id}
          username={user.username}
          includesYou={items.some((session) => session.id === currentSessionId)}
          onClose={(confirmed) => {
            setAskingAll(false);
            if (confirmed) {
              pager.reset();
              sessions.reload(true);
            }
          }}
        />
      )}
    </section>
  );
}
