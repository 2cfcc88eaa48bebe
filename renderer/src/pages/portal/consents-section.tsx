// "Apps you allowed": the applications this person let see their account, and what each may see; revoking one
// makes the app ask again at the next sign-in. Follows changes live.
import { useState } from 'react';
import { useLive } from '../../api/live';
import { meApi, type MyConsent } from '../../api/me';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { EmptyState } from '../../components/empty-state';
import { LoadProblem } from '../../components/load-problem';
import { Loading } from '../../components/notice';
import { RelativeTime } from '../../components/relative-time';
import { useLoader } from '../../components/use-loader';

/** What a scope lets an app see, in words (the consent page says the same). */
const SCOPE_TEXT: Record<string, string> = {
  openid: 'who you are',
  profile: 'your name and username',
  email: 'your email address',
  groups: 'your groups',
  offline_access: 'stay signed in',
};

export function ConsentsSection() {
  const { data, error: failure, reload } = useLoader(() => meApi.consents(), []);
  useLive(['consents'], () => reload(true));
  const [revoking, setRevoking] = useState<MyConsent | null>(null);

  return (
    <section className="card panel" aria-labelledby="consents-heading">
      <h2 id="consents-heading">Apps you allowed</h2>
      {failure ? (
        <LoadProblem error={failure} onRetry={() => reload()} />
      ) : !data ? (
        <Loading />
      ) : data.items.length === 0 ? (
        <EmptyState title="You have not allowed any app yet.">When an app asks to see your account and you allow it, it is listed here.</EmptyState>
      ) : (
        <ul className="consent-list">
          {data.items.map((consent) => (
            <li key={consent.applicationId} className="consent-item">
              <div>
                <p className="consent-app">{consent.applicationName}</p>
                <p className="consent-scopes">
                  May see: {consent.scopes.map((scope) => SCOPE_TEXT[scope] ?? scope).join(', ')}
                  {consent.grantedAt && (
                    <>
                      {' '}
                      · allowed <RelativeTime value={consent.grantedAt} />
                    </>
                  )}
                </p>
              </div>
              <button type="button" className="secondary button-small" onClick={() => setRevoking(consent)} aria-label={`Revoke access of ${consent.applicationName}`}>
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
      {revoking && (
        <ConfirmDialog
          title={`Revoke ${revoking.applicationName}’s access?`}
          confirmLabel="Revoke access"
          onConfirm={() => meApi.revokeConsent(revoking.applicationId)}
          onClose={(confirmed) => {
            setRevoking(null);
            if (confirmed) reload();
          }}
        >
          <p>{revoking.applicationName} can no longer see your account with what you allowed. It asks again the next time you sign in to it.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
