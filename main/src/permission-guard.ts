// Which web permissions the window gets: none, except writing to the clipboard from the app's own pages
// (the admin UI's copy buttons, e.g. for a client secret shown once).
import { isSameOrigin } from './same-origin.ts';

const ALLOWED_FROM_APP = new Set(['clipboard-sanitized-write']);

export function isPermissionAllowed(permission: string, requestingUrl: string | undefined, appOrigin: string | null): boolean {
  return ALLOWED_FROM_APP.has(permission) && requestingUrl !== undefined && isSameOrigin(requestingUrl, appOrigin);
}
