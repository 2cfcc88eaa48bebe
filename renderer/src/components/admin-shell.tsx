// The frame of every control UI page: navigation, who is signed in, the live-updates indicator, and the page.
// It checks the visitor first: not signed in → the sign-in page (coming back here after); not an admin → a notice.
import { useEffect, useState, type ReactNode } from 'react';
import { ApiError, flowApi } from '../api/flow';
import { meApi, type MeView } from '../api/me';
import { useLive, useLiveState } from '../api/live';
import { Loading, Notice } from './notice';

export type AdminSection = 'dashboard' | 'users' | 'groups' | 'applications' | 'sessions' | 'events' | 'settings' | 'tokens' | 'backups';

const NAV: Array<{ section: AdminSection; label: string; href: string }> = [
  { section: 'dashboard', label: 'Dashboard', href: '/admin' },
  { section: 'users', label: 'Users', href: '/admin/users' },
  { section: 'groups', label: 'Groups', href: '/admin/groups' },
  { section: 'applications', label: 'Applications', href: '/admin/applications' },
  { section: 'sessions', label: 'Sessions', href: '/admin/sessions' },
  { section: 'events', label: 'Events', href: '/admin/events' },
  { section: 'settings', label: 'Settings', href: '/admin/settings' },
  { section: 'tokens', label: 'API tokens', href: '/admin/tokens' },
  { section: 'backups', label: 'Backups', href: '/admin/backups' },
];

const LIVE_LABEL = { connecting: 'Connecting…', live: 'Live', offline: 'Reconnecting…', 'signed-out': 'Signed out' } as const;

const IGNORE = () => undefined;

/**
 * Holds the live connection once the visitor is known to be an admin, so the indicator is true (and an ended session
 * is noticed) on a page that follows no topic itself too.
 */
function HoldLiveConnection() {
  useLive([], IGNORE);
  return null;
}

export function signInUrl(): string {
  return `/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`;
}

export function AdminShell({ title, section, actions, children }: { title: string; section: AdminSection; actions?: ReactNode; children: ReactNode }) {
  const [me, setMe] = useState<MeView | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const live = useLiveState();

  useEffect(() => {
    document.title = `${title} · Gatehouse`;
  }, [title]);
  useEffect(() => {
    meApi.me().then(setMe, (error: unknown) => {
      if (error instanceof ApiError && error.status === 401) window.location.assign(signInUrl());
      else setFailure(error instanceof ApiError ? error : new ApiError(0, 'unexpected_error', 'Something went wrong in this page. Reload it.'));
    });
  }, []);
  useEffect(() => {
    if (live === 'signed-out') window.location.assign(signInUrl());
  }, [live]);

  if (failure) return <Frame><Notice kind="error">{failure.message}</Notice></Frame>;
  if (!me) return <Frame><Loading /></Frame>;
  if (!me.user.isAdmin) {
    return (
      <Frame>
        <Notice kind="error">Only admins can open the control UI. You are signed in as {me.user.username}.</Notice>
        <p><a className="link" href="/">Go to your account</a></p>
      </Frame>
    );
  }

  return (
    <div className="admin-layout">
      <HoldLiveConnection />
      <header className="admin-header">
        <a className="brand" href="/admin">
          <img src="/favicon.svg" alt="" width="28" height="28" />
          <span>Gatehouse</span>
        </a>
        <span className={`live-state live-${live}`} role="status">{LIVE_LABEL[live]}</span>
        <span className="admin-user">
          <a className="link" href="/">{me.user.displayName ?? me.user.username}</a>
          <button type="button" className="secondary button-small" onClick={() => void flowApi.signOut().finally(() => window.location.assign('/login'))}>
            Sign out
          </button>
        </span>
      </header>
      <nav className="admin-nav" aria-label="Control UI">
        <ul>
          {NAV.map((item) => (
            <li key={item.section}>
              <a href={item.href} aria-current={item.section === section ? 'page' : undefined}>{item.label}</a>
            </li>
          ))}
        </ul>
      </nav>
      <main className="admin-main">
        <div className="admin-title">
          <h1>{title}</h1>
          {actions && <div className="admin-title-actions">{actions}</div>}
        </div>
        {children}
      </main>
    </div>
  );
}

function Frame({ children }: { children: ReactNode }) {
  return (
    <div className="shell">
      <main className="card">{children}</main>
    </div>
  );
}
