// The pages, by path. The server answers with this app only for these paths (server/src/flows/pages.ts lists
// the same ones), so there is no client-side navigation: every page is a full load, and its API says what it shows.
export type Route =
  | { page: 'home' }
  | { page: 'login'; next: string }
  | { page: 'setup'; token: string | null }
  | { page: 'reset'; token: string | null }
  | { page: 'interaction'; uid: string }
  | { page: 'admin-dashboard' }
  | { page: 'admin-users' }
  | { page: 'admin-user'; id: string }
  | { page: 'admin-groups' }
  | { page: 'admin-group'; id: string }
  | { page: 'admin-applications' }
  | { page: 'admin-application'; id: string }
  | { page: 'admin-sessions' }
  | { page: 'admin-events' }
  | { page: 'admin-settings' }
  | { page: 'admin-tokens' }
  | { page: 'admin-backups' }
  | { page: 'api-docs' }
  | { page: 'not-found' };

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const APPLICATION_ID = '[a-z0-9][a-z0-9-]{2,63}';

const FIXED: Record<string, Route> = {
  '/': { page: 'home' },
  '/admin': { page: 'admin-dashboard' },
  '/admin/users': { page: 'admin-users' },
  '/admin/groups': { page: 'admin-groups' },
  '/admin/applications': { page: 'admin-applications' },
  '/admin/sessions': { page: 'admin-sessions' },
  '/admin/events': { page: 'admin-events' },
  '/admin/settings': { page: 'admin-settings' },
  '/admin/tokens': { page: 'admin-tokens' },
  '/admin/backups': { page: 'admin-backups' },
  '/api/docs': { page: 'api-docs' },
};

/**
 * Only a path on this site may be where a sign-in leads back to: never //other.host, a scheme, or a path with
 * control characters (browsers drop a tab or newline, so "/\t/evil.example" would become "//evil.example"). The
 * server's own check (flows/login) is the same; the parsed origin must stay ours either way.
 */
export function safeNext(next: string | null): string {
  if (!next || !/^\/(?![/\\])/.test(next) || /[\u0000-\u001f\u007f]/.test(next)) return '/';
  try {
    const resolved = new URL(next, window.location.origin);
    // Resolving removes dot segments: "/.//evil.example" becomes the path "//evil.example", another host once more.
    const ours = resolved.origin === window.location.origin && /^\/(?![/\\])/.test(resolved.pathname);
    return ours ? resolved.pathname + resolved.search + resolved.hash : '/';
  } catch {
    return '/';
  }
}

export function routeOf(location: Pick<Location, 'pathname' | 'search'>): Route {
  const pathname = location.pathname.length > 1 ? location.pathname.replace(/\/+$/, '') : location.pathname;
  const query = new URLSearchParams(location.search);
  const fixed = FIXED[pathname];
  if (fixed) return fixed;
  if (pathname === '/login') return { page: 'login', next: safeNext(query.get('next')) };
  if (pathname === '/setup') return { page: 'setup', token: query.get('token') };
  if (pathname === '/reset') return { page: 'reset', token: query.get('token') };
  let match = new RegExp(`^/admin/users/(${UUID})$`).exec(pathname);
  if (match) return { page: 'admin-user', id: match[1]! };
  match = new RegExp(`^/admin/groups/(${UUID})$`).exec(pathname);
  if (match) return { page: 'admin-group', id: match[1]! };
  match = new RegExp(`^/admin/applications/(${APPLICATION_ID})$`).exec(pathname);
  if (match) return { page: 'admin-application', id: match[1]! };
  match = /^\/interaction\/([A-Za-z0-9_-]{1,128})$/.exec(pathname);
  if (match) return { page: 'interaction', uid: match[1]! };
  return { page: 'not-found' };
}
