// /interaction/:uid — signing in to an app. The flow API says which step to show; every action answers with the
// next step, so a refresh, the back button or a second tab always shows where the sign-in really stands.
import { useCallback, useEffect, useState } from 'react';
import { ApiError, flowApi, type InteractionAction, type InteractionView } from '../../api/flow';
import { Layout } from '../../components/layout';
import { Loading, Notice } from '../../components/notice';
import { ClientBanner } from './client-banner';
import { IdentifyStep } from './identify-step';
import { PasswordStep } from './password-step';
import { MfaStep } from './mfa-step';
import { SessionStep } from './session-step';
import { ConsentStep } from './consent-step';

/** Refusals that mean the page no longer matches the flow: it reloads the flow's state and says why. */
const STALE = new Set(['wrong_step', 'flow_not_found', 'csrf_token_invalid', 'session_not_usable']);

export type Act = (action: InteractionAction, body?: object) => Promise<void>;

const TITLES: Record<InteractionView['step'], string> = {
  identify: 'Sign in',
  password: 'Enter your password',
  mfa: 'Verify it’s you',
  session: 'Signing you in',
  consent: 'Allow access?',
  redirect: 'Continuing…',
  finished: 'You’re done here',
  expired: 'This sign-in has expired',
};

export function InteractionPage({ uid }: { uid: string }) {
  const [view, setView] = useState<InteractionView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setView(await flowApi.interaction(uid));
      setLoadError(null);
    } catch (error) {
      setLoadError(error instanceof ApiError ? error.message : 'The sign-in could not be loaded. Reload the page.');
    }
  }, [uid]);

  useEffect(() => {
    void load();
    // A page restored from the back-forward cache asks again: the flow may have moved on meanwhile.
    const onPageShow = (event: PageTransitionEvent) => {
      if (event.persisted) void load();
    };
    window.addEventListener('pageshow', onPageShow);
    return () => window.removeEventListener('pageshow', onPageShow);
  }, [load]);

  useEffect(() => {
    // replace(): the finished sign-in page does not stay in the history for the back button to return to.
    if (view?.step === 'redirect') window.location.replace(view.redirectTo);
  }, [view]);

  const act: Act = useCallback(
    async (action, body) => {
      if (!view || !('csrfToken' in view)) return;
      setNotice(null);
      try {
        setView(await flowApi.act(uid, action, view.csrfToken, body));
      } catch (error) {
        if (error instanceof ApiError && STALE.has(error.code)) {
          setNotice(error.message);
          await load();
          return;
        }
        throw error;
      }
    },
    [uid, view, load],
  );

  if (loadError) {
    return (
      <Layout title="Sign in">
        <Notice kind="error">{loadError}</Notice>
        <button type="button" className="secondary" onClick={() => void load()}>
          Try again
        </button>
      </Layout>
    );
  }
  if (!view) {
    return (
      <Layout title="Loading…">
        <Loading />
      </Layout>
    );
  }
  return (
    <Layout title={TITLES[view.step]}>
      {'client' in view && <ClientBanner client={view.client} step={view.step} />}
      {notice && <Notice kind="info">{notice}</Notice>}
      <Step view={view} act={act} />
    </Layout>
  );
}

function Step({ view, act }: { view: InteractionView; act: Act }) {
  switch (view.step) {
    case 'identify':
      return <IdentifyStep key="identify" view={view} act={act} />;
    case 'password':
      return <PasswordStep key="password" view={view} act={act} />;
    case 'mfa':
      return <MfaStep view={view} act={act} />;
    case 'session':
      return <SessionStep view={view} act={act} />;
    case 'consent':
      return <ConsentStep view={view} act={act} />;
    case 'redirect':
      return <Loading>Taking you back to the application…</Loading>;
    case 'finished':
      return (
        <>
          <p>This sign-in is complete. If the application did not open, go back to it and sign in again.</p>
          <p>
            <a href="/">See your Gatehouse account</a>
          </p>
        </>
      );
    case 'expired':
      return <p>This sign-in has expired or was already used. Go back to the application you were signing in to, and start again from there.</p>;
  }
}
