// "My sessions": where this account is signed in, this browser marked. Revoking another signs that device out;
// revoking this one signs out here. Follows changes live (a sign-in elsewhere, a revoke by an admin).
import { useState } from 'react';
import { useLive } from '../../api/live';
import { meApi, type MySession } from '../../api/me';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { LoadProblem } from '../../components/load-problem';
import { Loading } from '../../components/notice';
import { RelativeTime } from '../../components/relative-time';
import { StatusBadge } from '../../components/status-badge';
import { describeUserAgent } from '../../components/user-agent';
import { useLoader } from '../../components/use-loader';

export function MySessionsSection({ onSignedOut, generation }: { onSignedOut: () => void; /** Changes when something else ended sessions (a password change). */ generation: number }) {
  const { data, error: failure, reload } = useLoader(() => meApi.sessions(), [generation]);
  useLive(['sessions'], () => reload(true));
  const [revoking, setRevoking] = useState<MySession | null>(null);

  return (
    <section className="card panel" aria-labelledby="my-sessions-heading">
      <h2 id="my-sessions-heading">My sessions</h2>
      <p>Where your account is signed in to Gatehouse. Sign out any you do not recognise, then change your password.</p>
      {failure ? (
        <LoadProblem error={failure} onRetry={() => reload()} />
      ) : !data ? (
        <Loading />
      ) : (
        <ul className="session-list">
          {[...data.items]
            .sort((a, b) => Number(b.current) - Number(a.current))
            .map((session) => (
              <li key={session.id} className="session-item">
                <div className="session-text">
                  <p className="session-device">
                    {describeUserAgent(session.userAgent)}
                    {session.current && (
                      <>
                        {' '}
                        <StatusBadge tone="success">This browser</StatusBadge>
                      </>
                    )}
                  </p>
                  <p className="session-facts">
                    {session.lastIp && <>From {session.lastIp} · </>}
                    Signed in <RelativeTime value={session.createdAt} /> · last active <RelativeTime value={session.lastSeenAt} />
                  </p>
                </div>
                <button type="button" className="secondary button-small" onClick={() => setRevoking(session)} aria-label={session.current ? 'Sign out this browser' : `Sign out ${describeUserAgent(session.userAgent)}, signed in from ${session.lastIp ?? 'an unknown address'}`}>
                  {session.current ? 'Sign out here' : 'Sign out'}
                </button>
              </li>
            ))}
        </ul>
      )}
      {revoking && (
        <ConfirmDialog
          title={revoking.current ? 'Sign out of this browser?' : 'Sign out that session?'}
          confirmLabel={revoking.current ? 'Sign out here' : 'Sign it out'}
          onConfirm={async () => {
            await meApi.revokeSession(revoking.id);
            if (revoking.current) onSignedOut();
          }}
          onClose={(confirmed) => {
            setRevoking(null);
            // This browser's session is gone: the page has moved on to "signed out", with nothing to reload.
            if (confirmed && !revoking.current) reload();
          }}
        >
          {revoking.current ? (
            <p>This is the browser you are using: you will be signed out here.</p>
          ) : (
            <p>
              {describeUserAgent(revoking.userAgent)}
              {revoking.lastIp && <> at {revoking.lastIp}</>} will be signed out at once and will have to sign in again.
            </p>
          )}
        </ConfirmDialog>
      )}
    </section>
  );
}
