// Live sessions: who, since when, last seen, from where, with which browser (in words, the full User-Agent on
// hover), and revoking one or all of a user's, each after asking. The admin's own session is marked.
import { useState } from 'react';
import { sessionsApi, type SessionView } from '../../../api/sessions';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { RelativeTime } from '../../../components/relative-time';
import { describeUserAgent } from '../../../components/user-agent';
import { StatusBadge } from '../../../components/status-badge';

type Asking = { kind: 'one'; session: SessionView } | { kind: 'all'; userId: string; username: string };

const METHOD_LABEL: Record<string, string> = { pwd: 'password', password: 'password', otp: 'one-time code', totp: 'one-time code', webauthn: 'passkey', setup: 'setup link', reset: 'reset link' };

function methodsOf(session: SessionView): string {
  return session.authMethods.map((method) => METHOD_LABEL[method] ?? method).join(', ');
}

export interface SessionsTableProps {
  sessions: SessionView[];
  /** Show the user column and the "revoke all of this user's" action (the all-sessions page). */
  showUser: boolean;
  /** The admin's own session, marked "This browser"; revoking it signs them out. */
  currentSessionId?: string | null;
  /** Called after a revoke, to refetch. */
  onChanged: () => void;
}

export function SessionsTable({ sessions, showUser, currentSessionId, onChanged }: SessionsTableProps) {
  const [asking, setAsking] = useState<Asking | null>(null);
  return (
    <>
      <div className="table-scroll">
        <table className="data-table">
          <caption className="visually-hidden">Live sessions</caption>
          <thead>
            <tr>
              {showUser && <th scope="col">User</th>}
              <th scope="col">Browser</th>
              <th scope="col">Signed in</th>
              <th scope="col">Last seen</th>
              <th scope="col">Address</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((session) => {
              const isCurrent = session.id === currentSessionId;
              const browser = describeUserAgent(session.userAgent);
              return (
                <tr key={session.id}>
                  {showUser && (
                    <th scope="row">
                      <a href={`/admin/users/${session.userId}`}>{session.username}</a>
                      {session.displayName && <span className="cell-detail">{session.displayName}</span>}
                    </th>
                  )}
                  <td data-label="Browser">
                    <span title={session.userAgent ?? undefined}>{browser}</span>
                    {isCurrent && (
                      <>
                        {' '}
                        <StatusBadge tone="success">This browser</StatusBadge>
                      </>
                    )}
                  </td>
                  <td data-label="Signed in">
                    <RelativeTime value={session.createdAt} />
                    {session.authMethods.length > 0 && <span className="cell-detail">with {methodsOf(session)}</span>}
                  </td>
                  <td data-label="Last seen">
                    <RelativeTime value={session.lastSeenAt} />
                  </td>
                  <td data-label="Address">{session.lastIp ? <span className="mono">{session.lastIp}</span> : <span className="none">—</span>}</td>
                  <td className="row-actions">
                    <button type="button" className="secondary button-small" aria-label={`Revoke ${session.username}’s session in ${browser}`} onClick={() => setAsking({ kind: 'one', session })}>
                      Revoke
                    </button>
                    {showUser && (
                      <button type="button" className="secondary button-small" aria-label={`Revoke all of ${session.username}’s sessions`} onClick={() => setAsking({ kind: 'all', userId: session.userId, username: session.username })}>
                        Revoke all of {session.username}’s
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {asking?.kind === 'one' && (
        <ConfirmDialog
          title="Revoke this session?"
          confirmLabel="Revoke session"
          onConfirm={() => sessionsApi.revoke(asking.session.id)}
          onClose={(confirmed) => {
            setAsking(null);
            if (confirmed) onChanged();
          }}
        >
          <p>
            {asking.session.username} is signed out of Gatehouse in {describeUserAgent(asking.session.userAgent)}
            {asking.session.lastIp ? ` (${asking.session.lastIp})` : ''} at once, and apps they opened from it can no longer refresh their tokens.
          </p>
          {asking.session.id === currentSessionId && <p><strong>This is your own session: you will be signed out.</strong></p>}
        </ConfirmDialog>
      )}
      {asking?.kind === 'all' && (
        <RevokeAllDialog
          userId={asking.userId}
          username={asking.username}
          includesYou={sessions.some((session) => session.userId === asking.userId && session.id === currentSessionId)}
          onClose={(confirmed) => {
            setAsking(null);
            if (confirmed) onChanged();
          }}
        />
      )}
    </>
  );
}

export function RevokeAllDialog({ userId, username, includesYou, onClose }: { userId: string; username: string; includesYou: boolean; onClose: (confirmed: boolean) => void }) {
  return (
    <ConfirmDialog title={`Revoke all of ${username}’s sessions?`} confirmLabel="Revoke all sessions" onConfirm={() => sessionsApi.revokeAllOfUser(userId)} onClose={onClose}>
      <p>
        {username} is signed out of Gatehouse everywhere at once, and apps can no longer refresh their tokens. They can sign in again unless the
        account is disabled.
      </p>
      {includesYou && <p><strong>One of them is your own session: you will be signed out.</strong></p>}
    </ConfirmDialog>
  );
}
