// / — the user portal, for anyone signed in: their apps, their sessions, their password, the apps they allowed,
// and for admins the way to the control UI. Someone not signed in gets a button to sign in.
import { useEffect, useState } from 'react';
import { ApiError, flowApi, type SessionView } from '../api/flow';
import { useLiveState } from '../api/live';
import { Loading, Notice } from '../components/notice';
import { useSubmit } from '../components/use-submit';
import { Brand, BrandedLayout, useBranding } from './portal/branding';
import { ChangePasswordSection } from './portal/change-password-section';
import { ConsentsSection } from './portal/consents-section';
import { MyAppsSection } from './portal/my-apps-section';
import { MySessionsSection } from './portal/my-sessions-section';

type SignedInUser = Extract<SessionView, { signedIn: true }>['user'];
type State = { state: 'loading' } | { state: 'signed-in'; user: SignedInUser } | { state: 'signed-out'; by: 'visit' | 'sign-out' | 'elsewhere' } | { state: 'failed'; message: string };

export function HomePage() {
  const [view, setView] = useState<State>({ state: 'loading' });
  useEffect(() => {
    // The session endpoint answers a visitor who is not signed in with 200 (not a 401 the console would log).
    flowApi.session().then(
      (session) => setView(session.signedIn ? { state: 'signed-in', user: session.user } : { state: 'signed-out', by: 'visit' }),
      (error: unknown) => setView({ state: 'failed', message: error instanceof ApiError ? error.message : 'Something went wrong. Reload the page.' }),
    );
  }, []);

  switch (view.state) {
    case 'loading':
      return (
        <BrandedLayout title="Your account">
          <Loading />
        </BrandedLayout>
      );
    case 'failed':
      return (
        <BrandedLayout title="Your account">
          <Notice kind="error">{view.message}</Notice>
        </BrandedLayout>
      );
    case 'signed-out':
      return <SignedOut by={view.by} />;
    case 'signed-in':
      return <Portal user={view.user} onSignedOut={(by) => setView({ state: 'signed-out', by })} />;
  }
}

function SignedOut({ by }: { by: 'visit' | 'sign-out' | 'elsewhere' }) {
  const title = by === 'visit' ? 'You are not signed in' : 'You are signed out';
  return (
    <BrandedLayout title={title}>
      {by === 'sign-out' && <Notice kind="success">You signed out in this browser.</Notice>}
      {by === 'elsewhere' && <Notice kind="info">This session was ended (from another device, by an admin, or it expired).</Notice>}
      <p>Sign in to see your apps, your sessions and your password.</p>
      <div className="actions">
        <a className="primary button-link" href="/login?next=%2F">
          Sign in
        </a>
      </div>
    </BrandedLayout>
  );
}

function Portal({ user, onSignedOut }: { user: SignedInUser; onSignedOut: (by: 'sign-out' | 'elsewhere') => void }) {
  const branding = useBranding();
  const live = useLiveState();
  const signOut = useSubmit();
  // A password change ends the other sessions: the sessions list asks again.
  const [sessionsGeneration, setSessionsGeneration] = useState(0);
  const name = user.displayName ?? user.username;

  useEffect(() => {
    document.title = branding ? `Your account · ${branding.instanceName}` : 'Your account';
  }, [branding]);
  useEffect(() => {
    // The live socket closes when this session ends (revoked elsewhere, expired).
    if (live === 'signed-out') onSignedOut('elsewhere');
  }, [live, onSignedOut]);

  return (
    <div className="portal">
      <header className="admin-header portal-header">
        <a className="brand" href="/">
          <Brand branding={branding} />
        </a>
        <div className="portal-user">
          {user.isAdmin && (
            <a className="secondary button-small button-link" href="/admin">
              Control UI
            </a>
          )}
          <button type="button" className="secondary button-small" disabled={signOut.busy} onClick={() => void signOut.run(async () => (await flowApi.signOut(), onSignedOut('sign-out')))}>
            {signOut.busy ? 'Signing out…' : 'Sign out'}
          </button>
        </div>
      </header>
      <main className="portal-main">
        <h1>Hello, {name}</h1>
        <p className="lead">
          Signed in as <strong>{user.username}</strong>
          {user.email && <> ({user.email})</>}
          {user.groups.length > 0 && <> · groups: {user.groups.join(', ')}</>}
        </p>
        {signOut.error && <Notice kind="error">{signOut.error.message}</Notice>}
        {user.isAdmin && (
          <Notice kind="info">
            You are an admin. <a href="/admin">Open the control UI</a> to manage users, groups, applications and settings.
          </Notice>
        )}
        <MyAppsSection />
        <div className="portal-columns">
          <MySessionsSection generation={sessionsGeneration} onSignedOut={() => onSignedOut('sign-out')} />
          <ChangePasswordSection username={user.username} onChanged={() => setSessionsGeneration((generation) => generation + 1)} />
        </div>
        <ConsentsSection />
      </main>
    </div>
  );
}
