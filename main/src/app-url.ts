// A page of the server, from the URL its ready message gives.

/** Appends `pathname` (which starts with "/") to the server URL: resolving would drop a public URL's path prefix (a reverse proxy's). */
export function appUrl(serverUrl: string, pathname: string): string {
  return serverUrl.replace(/\/+$/, '') + pathname;
}
