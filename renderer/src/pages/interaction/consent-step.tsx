// Consent: what the application asks to see, and the user's answer. An allowance is remembered per user and application.
import type { InteractionView } from '../../api/flow';
import { Notice } from '../../components/notice';
import { useSubmit } from '../../components/use-submit';
import type { Act } from './interaction-page';

export function ConsentStep({ view, act }: { view: Extract<InteractionView, { step: 'consent' }>; act: Act }) {
  const submit = useSubmit();
  const decide = (decision: 'allow' | 'deny') => void submit.run(() => act('consent', { decision }));
  return (
    <>
      {submit.error && <Notice kind="error">{submit.error.message}</Notice>}
      {view.user && (
        <p className="identity">
          <span>
            Signed in as <strong>{view.user.displayName ?? view.user.username}</strong>
          </span>
        </p>
      )}
      <p id="consent-list-label">If you allow it, {view.client.name} will be able to:</p>
      <ul className="scopes" aria-labelledby="consent-list-label">
        {view.scopes.map((scope) => (
          <li key={scope.scope}>{scope.description}</li>
        ))}
        {view.claims.length > 0 && <li>See these details: {view.claims.join(', ')}</li>}
      </ul>
      <div className="actions">
        <button type="button" className="primary" disabled={submit.busy} onClick={() => decide('allow')} autoFocus>
          Allow
        </button>
        <button type="button" className="secondary" disabled={submit.busy} onClick={() => decide('deny')}>
          Deny
        </button>
      </div>
      <p className="fine-print">If you allow it, Gatehouse remembers that for this application and does not ask again.</p>
    </>
  );
}
