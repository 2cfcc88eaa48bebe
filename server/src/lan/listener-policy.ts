// What the app does differently for a request by the door it came in, applied in http/app.ts as the first onRequest
// hook (before every route's own guard) while LAN mode is on:
// the admin surface answers only on the loopback listener, from this machine, unless lan.allowAdmin.
// (The loopback listener's own origin counts as Gatehouse's in every same-origin check: http/same-origin.ts.)
import type { onRequestAsyncHookHandler } from 'fastify';
import type { Domain } from '../appliance/context.ts';
import { HttpError } from '../http/errors.ts';
import { isLoopback } from '../http/loopback.ts';
import { lanServiceOf } from './index.ts';
import { cameThroughLanListener } from './lan-requests.ts';

/** The portal's API and what the pages need to start are for everyone; the rest of /api/v1 is the admin API. */
const PORTAL_ROUTES = new Set(['/api/v1/me', '/api/v1/live', '/api/v1/openapi.json']);

/**
 * Whether a route (its pattern, e.g. /api/v1/users/:id) belongs to the admin surface: the admin pages, the API
 * browser and the admin API. Judged by the route Fastify matched, not the raw URL, so no spelling of a path
 * (percent-encoding, a trailing slash) slips past.
 */
export function isAdminSurface(route: string | undefined): boolean {
  if (route === undefined) return false;
  const under = (prefix: string) => route === prefix || route.startsWith(`${prefix}/`);
  if (under('/admin') || under('/api/docs')) return true;
  if (!under('/api/v1')) return false;
  return !(PORTAL_ROUTES.has(route) || route.startsWith('/api/v1/me/'));
}

/** The hook for app.ts, or null while LAN mode is off (then nothing changes and nothing is spent). */
export function lanListenerPolicy(domains: readonly Domain[]): onRequestAsyncHookHandler | null {
  const lan = lanServiceOf(domains);
  if (!lan) return null;
  const { allowAdmin } = lan;
  return async (request) => {
    const viaLan = cameThroughLanListener(request.raw);
    const fromThisMachine = !viaLan && isLoopback(request.socket.remoteAddress);
    if (!allowAdmin && !fromThisMachine && isAdminSurface(request.routeOptions.url)) {
      throw new HttpError(
        403,
        'admin_not_on_lan',
        'The admin pages and API answer only on the machine that runs Gatehouse (the desktop app, or http://127.0.0.1 there). Use that machine, or set lan.allowAdmin: true to manage Gatehouse from the LAN.',
      );
    }
  };
}
