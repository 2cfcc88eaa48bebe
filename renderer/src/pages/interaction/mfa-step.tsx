// A second factor. The step exists so a later issue can add its methods (TOTP, WebAuthn, recovery codes);
// the flow API does not lead here yet.
import type { InteractionView } from '../../api/flow';
import { Notice } from '../../components/notice';
import { CancelButton } from './identify-step';
import type { Act } from './interaction-page';

export function MfaStep({ view, act }: { view: Extract<InteractionView, { step: 'mfa' }>; act: Act }) {
  return (
    <>
      <p className="identity">
        <span>
          Signing in as <strong>{view.login}</strong>
        </span>
      </p>
      {view.methods.length === 0 && <Notice kind="error">This account needs a second step to sign in, and no method for it is set up. Ask your Gatehouse admin.</Notice>}
      <CancelButton act={act} />
    </>
  );
}
