// GET /api/v1/live — the control UI's WebSocket for live updates (schemas.ts says what it sends).
// Browsers send cookies with a WebSocket handshake from any site, so the handshake's Origin must be our own
// (OWASP WebSocket Security Cheat Sheet: validate Origin, against cross-site WebSocket hijacking).
// The socket lives only as long as the session that opened it: it is closed when that session ends.
import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/websocket';
import type { IdentityService } from '../../identity/index.ts';
import { HttpError } from '../../http/errors.ts';
import { isOwnOrigin } from '../../http/same-origin.ts';
import type { LiveHub } from './hub.ts';
import type { LiveMessage } from './schemas.ts';

/** Close codes in the private range (RFC 6455 §7.4.2): the UI signs in again on this one rather than reconnecting. */
export const CLOSE_SESSION_ENDED = 4401;
/** How often an open socket re-checks its session even when no event says it changed (expiry). */
const RECHECK_INTERVAL_MS = 60_000;
/** A socket that cannot keep up (a stalled browser) is closed rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 256 * 1024;

export function liveRoute(app: FastifyInstance, deps: { hub: LiveHub; identity: IdentityService; publicUrl: string }): void {
  const ownOrigin = new URL(deps.publicUrl).origin;
  app.get('/api/v1/live', {
    websocket: true,
    schema: { hide: true } as object,
    preValidation: async (request) => {
      if (request.headers.origin === undefined || !isOwnOrigin(request, request.headers.origin, ownOrigin)) throw new HttpError(403, 'cross_site_request', 'Live updates are for Gatehouse\'s own pages.');
      const current = await deps.identity.sessionCookie.currentSession(request);
      if (!current) throw new HttpError(401, 'not_signed_in', 'Sign in first.');
    },
  }, async (socket, request) => {
    const token = deps.identity.sessionCookie.readSessionToken(request)!;
    const current = (await deps.identity.sessionCookie.currentSession(request))!;
    let closed = false;
    const send = (message: LiveMessage) => {
      if (closed || socket.readyState !== socket.OPEN) return;
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) return void socket.close(1013, 'too slow');
      socket.send(JSON.stringify(message));
    };
    const recheck = async () => {
      const still = await deps.identity.authenticate(token, { slide: false }).catch(() => undefined);
      // undefined: the database could not answer; keep the socket and try at the next check.
      // An admin who is no longer one loses the admin feed; a user made admin keeps theirs until the page reloads.
      if (still === null || (still && current.user.isAdmin && !still.user.isAdmin)) socket.close(CLOSE_SESSION_ENDED, 'session ended');
    };
    const remove = deps.hub.add({ userId: current.user.id, isAdmin: current.user.isAdmin, send, onOwnEvent: () => void recheck() });
    const timer = setInterval(() => void recheck(), RECHECK_INTERVAL_MS);
    timer.unref();
    socket.on('close', () => {
      closed = true;
      clearInterval(timer);
      remove();
    });
    // The UI sends nothing; anything it does send is ignored.
    socket.on('message', () => undefined);
  });
}
