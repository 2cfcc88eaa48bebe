// / — for someone who opens Gatehouse itself: who they are signed in as, and signing out.
import { useEffect, useState } from 'react';
import { flowApi, type SessionView } from '../api/flow';
import { Layout } from '../components/layout';
import { Loading, Notice } from '../components/notice';
import { useSubmit } from '../components/use-submit';

const METHOD_NAMES: Record<string, string> = { pwd: 'password', otp: 'one-time code', hwk: 'security key', mfa: 'two factors' };

export function HomePage() {
  const [view, setView] = useState<SessionView | null>(null);
  const [unreachable, setUnreachable] = useState(false);
  const [signedOut, setSignedOut] = useState(false);
  const signOut = useSubmit();

  useEffect(() => {
    flowApi.session().then(setView, () => setUnreachable(true));
  }, []);

  if (unreachable) {
    return (
      <Layout title="Gatehouse">
        <Notice kind="error">Gatehouse cannot be reached. Check that it is running, then reload this page.</Notice>
      </Layout>
    );
  }
  if (!view) {
    return (
      <Layout title="Gatehouse">
        <Loading />
      </Layout>
    );
  }
  if (!view.signedIn) {
    return (
      <Layout title={signedOut ? 'You are signed out' : 'You are not signed in'}>
        {signedOut && <Notice kind="success">You signed out of Gatehouse in this browser.</Notice>}
        <p>To sign in, open one of the applications that use Gatehouse: it brings you to Gatehouse's sign-in page.</p>
      </Layout>
    );
  }

  const { user, session } = view;
  const since = new Date(session.createdAt);
  return (
    <Layout title={`Signed in as ${user.displayName ?? user.username}`} wide>
      {signOut.error && <Notice kind="error">{signOut.error.message}</Notice>}
      <dl className="facts">
        <dt>Username</dt>
        <dd>{user.username}</dd>
        {user.displayName && (
          <>
            <dt>Name</dt>
            <dd>{user.displayName}</dd>
          </>
        )}
        <dt>Email</dt>
        <dd>{user.email ?? 'none'}</dd>
        <dt>Role</dt>
        <dd>{user.isAdmin ? 'Administrator' : 'User'}</dd>
        <dt>Groups</dt>
        <dd>{user.groups.length > 0 ? user.groups.join(', ') : 'none'}</dd>
        <dt>Signed in</dt>
        <dd>
          <time dateTime={session.createdAt}>{since.toLocaleString()}</time>
          {session.authMethods.length > 0 && ` with ${session.authMethods.map((method) => METHOD_NAMES[method] ?? method).join(' and ')}`}
        </dd>
      </dl>
      <div className="actions">
        <button
          type="button"
          className="secondary"
          disabled={signOut.busy}
          onClick={() =>
            void signOut.run(async () => {
              setView(await flowApi.signOut());
              setSignedOut(true);
            })
          }
        >
          {signOut.busy ? 'Signing out…' : 'Sign out'}
        </button>
      </div>
    </Layout>
  );
}
