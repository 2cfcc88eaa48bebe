// The pages, by path. The server answers with this app only for these paths, so there is no client-side navigation:
// every page is a full load, and the flow API says what it shows.
export type Route =
  | { page: 'home' }
  | { page: 'setup'; token: string | null }
  | { page: 'interaction'; uid: string }
  | { page: 'admin-backups' }
  | { page: 'not-found' };

export function routeOf(location: Pick<Location, 'pathname' | 'search'>): Route {
  const { pathname } = location;
  if (pathname === '/') return { page: 'home' };
  if (pathname === '/setup') return { page: 'setup', token: new URLSearchParams(location.search).get('token') };
  if (pathname === '/admin/backups') return { page: 'admin-backups' };
  const interaction = /^\/interaction\/([A-Za-z0-9_-]{1,128})\/?$/.exec(pathname);
  if (interaction) return { page: 'interaction', uid: interaction[1]! };
  return { page: 'not-found' };
}
