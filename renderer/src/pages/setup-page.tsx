// /setup?token=… — the first-run wizard: 1 create the admin (with the one-time link Gatehouse prints when it starts
// without one; the server signs them in), 2 name the instance, 3 choose the public URL, then the control UI.
// After step 1 the address becomes /setup?step=N (the used token has no business staying in the address bar), so a
// reload resumes the step for the signed-in admin.
import { useEffect, useRef, useState } from 'react';
import { flowApi, type SetupState } from '../api/flow';
import type { InstanceSettings } from '../api/settings';
import { Layout } from '../components/layout';
import { Loading, Notice } from '../components/notice';
import { AdminStep } from './setup/admin-step';
import { InstanceNameStep } from './setup/instance-name-step';
import { PublicUrlStep } from './setup/public-url-step';
import { WizardLayout } from './setup/wizard-layout';

type Step = 1 | 2 | 3 | 'done';
type PageState = SetupState | 'loading' | 'unreachable' | 'resume';

const STEP_TITLES: Record<Step, string> = {
  1: 'Create the first admin',
  2: 'Name this Gatehouse',
  3: 'Choose the public URL',
  done: 'Gatehouse is ready',
};

/** The step named in the address (?step=2), for resuming after a reload. */
function stepInAddress(): 2 | 3 | null {
  const step = new URLSearchParams(window.location.search).get('step');
  return step === '2' ? 2 : step === '3' ? 3 : null;
}

function showStepInAddress(step: Step): void {
  window.history.replaceState(null, '', step === 'done' ? '/setup?step=done' : `/setup?step=${step}`);
}

export function SetupPage({ token }: { token: string | null }) {
  const [state, setState] = useState<PageState>('loading');
  const [passwordMinLength, setPasswordMinLength] = useState(8);
  const [step, setStep] = useState<Step>(1);

  useEffect(() => {
    const resumeAt = token ? null : stepInAddress();
    const resumed = resumeAt
      ? flowApi.session().then(
          (session) => session.signedIn && session.user.isAdmin,
          () => false,
        )
      : Promise.resolve(false);
    void resumed.then((isAdmin) => {
      if (isAdmin && resumeAt) {
        setStep(resumeAt);
        setState('resume');
        return;
      }
      flowApi.setupState(token).then(
        (view) => {
          setPasswordMinLength(view.passwordMinLength);
          setState(view.state);
        },
        () => setState('unreachable'),
      );
    });
  }, [token]);

  function goTo(next: Step) {
    showStepInAddress(next);
    setStep(next);
    setState('resume');
  }

  switch (state) {
    case 'loading':
      return (
        <Layout title="Set up Gatehouse">
          <Loading />
        </Layout>
      );
    case 'unreachable':
      return (
        <Layout title="Set up Gatehouse">
          <Notice kind="error">Gatehouse cannot be reached. Check that it is running, then reload this page.</Notice>
        </Layout>
      );
    case 'closed':
      return (
        <Layout title="Gatehouse is set up">
          <p>An admin account exists already, so this setup page is closed for good.</p>
          <p>
            <a href="/">Go to your Gatehouse account</a>
          </p>
        </Layout>
      );
    case 'invalid_link':
      return (
        <Layout title="This setup link does not work">
          <p>The link is incomplete, expired (links last 24 hours), or was replaced by a newer one.</p>
          <p>Restart Gatehouse: when it is ready, it prints a new setup link. Open that one.</p>
        </Layout>
      );
    case 'open':
    case 'resume':
      return (
        <WizardLayout step={step} title={STEP_TITLES[step]}>
          <WizardStep step={step} token={token} passwordMinLength={passwordMinLength} onState={setState} goTo={goTo} />
        </WizardLayout>
      );
  }
}

function WizardStep({ step, token, passwordMinLength, onState, goTo }: { step: Step; token: string | null; passwordMinLength: number; onState: (state: SetupState) => void; goTo: (step: Step) => void }) {
  const [instance, setInstance] = useState<InstanceSettings | null>(null);
  switch (step) {
    case 1:
      return <AdminStep token={token!} passwordMinLength={passwordMinLength} onState={onState} onDone={() => goTo(2)} />;
    case 2:
      return <InstanceNameStep onDone={() => goTo(3)} />;
    case 3:
      return (
        <PublicUrlStep
          onDone={(saved) => {
            setInstance(saved);
            goTo('done');
          }}
        />
      );
    case 'done':
      return (
        <>
          <p>Next, add the people who sign in through Gatehouse, and the applications they sign in to.</p>
          {instance?.restartNeeded && instance.savedPublicUrl && (
            <Notice kind="info">
              Gatehouse runs at <code className="inline-code">{instance.publicUrl}</code> until its next start, then at{' '}
              <code className="inline-code">{instance.savedPublicUrl}</code>. Restart it before connecting apps.
            </Notice>
          )}
          <div className="actions">
            <FocusedLink href="/admin">Go to the control UI</FocusedLink>
          </div>
        </>
      );
  }
}

/** The one thing to do next, focused so Enter does it. */
function FocusedLink({ href, children }: { href: string; children: string }) {
  const ref = useRef<HTMLAnchorElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <a ref={ref} className="primary button-link" href={href}>
      {children}
    </a>
  );
}
