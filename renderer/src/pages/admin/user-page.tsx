// /admin/users/:id — one user: details, account (disable, enable, delete), groups, a password-reset link, their
// sessions and their recent events. Everything follows live changes made elsewhere.
import { useEffect, useState } from 'react';
import { useLive } from '../../api/live';
import { meApi } from '../../api/me';
import { usersApi } from '../../api/users';
import { AdminShell } from '../../components/admin-shell';
import { LoadProblem } from '../../components/load-problem';
import { Loading, Notice } from '../../components/notice';
import { useLoader } from '../../components/use-loader';
import { AccountSection } from './users/account-section';
import { ProfileForm } from './users/profile-form';
import { ResetLinkSection } from './users/reset-link-section';
import { UserBadges } from './users/user-badges';
import { UserGroupsSection } from './users/user-groups-section';
import { UserSessionsSection } from './users/user-sessions-section';
import { useCurrentSessionId } from './sessions/use-current-session';
import { RecentEventsPanel } from './events/recent-events-panel';

export function UserPage({ id }: { id: string }) {
  const [title, setTitle] = useState('User');
  return (
    <AdminShell title={title} section="users">
      <UserDetails id={id} onTitle={setTitle} />
    </AdminShell>
  );
}

function UserDetails({ id, onTitle }: { id: string; onTitle: (title: string) => void }) {
  const user = useLoader(() => usersApi.get(id), [id]);
  // A new group's name, a user added to a group: both change what this page shows.
  useLive(['users', 'groups'], () => user.reload(true));
  const [myId, setMyId] = useState<string | null>(null);
  const currentSessionId = useCurrentSessionId();
  useEffect(() => {
    meApi.me().then((me) => setMyId(me.user.id), () => undefined);
  }, []);
  const username = user.data?.username;
  useEffect(() => {
    if (username) onTitle(username);
  }, [username, onTitle]);

  if (user.error?.status === 404) {
    return (
      <>
        <Notice kind="error">This user does not exist (any more): they may have been deleted.</Notice>
        <p>
          <a href="/admin/users">Back to the users</a>
        </p>
      </>
    );
  }
  if (!user.data) return user.error ? <LoadProblem error={user.error} onRetry={() => user.reload()} /> : <Loading>Loading the user…</Loading>;

  const shown = user.data;
  const isSelf = shown.id === myId;
  const suggestReset = new URLSearchParams(window.location.search).has('new');
  return (
    <>
      <p className="breadcrumbs">
        <a href="/admin/users">Users</a> <span aria-hidden="true">›</span> {shown.username}
      </p>
      <div className="user-summary">
        <UserBadges user={shown} />
        {shown.displayName && <span>{shown.displayName}</span>}
        {shown.email && <span className="wrap-anywhere">{shown.email}</span>}
        {isSelf && <span className="hint">This is you.</span>}
      </div>
      {user.error && <LoadProblem error={user.error} onRetry={() => user.reload()} />}
      <div className="panel-columns">
        <ProfileForm user={shown} isSelf={isSelf} onSaved={user.setData} />
        <AccountSection user={shown} isSelf={isSelf} onChanged={user.setData} />
      </div>
      <ResetLinkSection user={shown} suggest={suggestReset} />
      <UserGroupsSection user={shown} onSaved={user.setData} />
      <UserSessionsSection user={shown} currentSessionId={currentSessionId} />
      <RecentEventsPanel
        query={{ userId: shown.id }}
        emptyTitle={`Nothing has happened to or by ${shown.username} yet.`}
        link={{ href: `/admin/events?userId=${shown.id}`, label: `All events of ${shown.username}` }}
      />
    </>
  );
}
