// The session cookie: its name and attributes, reading and writing it, and the current request's session.
// It reads the Cookie header and writes Set-Cookie itself, so it works whether or not @fastify/cookie is
// registered (and next to it: Fastify appends Set-Cookie headers, @fastify/cookie keeps the ones already set).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedSession, IdentityService } from './service.ts';
import { isWellFormedSessionToken } from './sessions.ts';

export interface SessionCookie {
  /** `__Host-gatehouse_session` on https (RFC 6265bis §4.1.3.2: Secure, Path=/, no Domain), else `gatehouse_session`. */
  readonly name: string;
  /** The attributes every Set-Cookie of the session carries besides Max-Age. */
  readonly attributes: string;
  /** The token in the request's cookie, or null when there is none that could be ours. */
  readSessionToken(request: FastifyRequest): string | null;
  /**
   * Sets the cookie for a new session; it lasts as long as the session's absolute lifetime. Given the session
   * (createSession's answer), the rest of this request sees it as the current one, as the browser's next request will,
   * and the cookie lasts exactly as long as it; without, as long as the latest session made here.
   */
  setSessionCookie(reply: FastifyReply, token: string, session?: AuthenticatedSession): void;
  /** Tells the browser to drop the cookie (logout). Revoke the session too: the cookie is only a copy. */
  clearSessionCookie(reply: FastifyReply): void;
  /** The request's authenticated session, or null; looked up once per request, however often it is asked. */
  currentSession(request: FastifyRequest): Promise<AuthenticatedSession | null>;
}

export function sessionCookieName(publicUrl: string): string {
  return isHttps(publicUrl) ? '__Host-gatehouse_session' : 'gatehouse_session';
}

function isHttps(publicUrl: string): boolean {
  return new URL(publicUrl).protocol === 'https:';
}

/**
 * `latestLifetimeSeconds`: the absolute lifetime of the sessions being made now (the settings'), for a cookie set
 * without its session.
 */
export function createSessionCookie(publicUrl: string, authenticate: IdentityService['authenticate'], latestLifetimeSeconds: () => number): SessionCookie {
  const name = sessionCookieName(publicUrl);
  // SameSite=Lax: sent on top-level navigations from other sites (an app redirecting to /authorize), not on
  // their subrequests or form posts. HttpOnly: scripts never see the token.
  const attributes = `Path=/; HttpOnly; SameSite=Lax${isHttps(publicUrl) ? '; Secure' : ''}`;
  const lookups = new WeakMap<FastifyRequest, Promise<AuthenticatedSession | null>>();

  function readSessionToken(request: FastifyRequest): string | null {
    const header = request.headers.cookie;
    if (!header) return null;
    // A browser may send the name twice (another cookie set for a path or parent domain): take the first well-formed one.
    for (const pair of header.split(';')) {
      const separator = pair.indexOf('=');
      if (separator < 0 || pair.slice(0, separator).trim() !== name) continue;
      const value = pair.slice(separator + 1).trim();
      if (isWellFormedSessionToken(value)) return value;
    }
    return null;
  }

  return {
    name,
    attributes,
    readSessionToken,
    setSessionCookie(reply, token, session) {
      if (!isWellFormedSessionToken(token)) throw new Error('not a session token');
      const lifetimeSeconds = session
        ? Math.max(0, Math.round((session.session.expiresAt.getTime() - session.session.createdAt.getTime()) / 1000))
        : latestLifetimeSeconds();
      reply.header('set-cookie', `${name}=${token}; Max-Age=${lifetimeSeconds}; ${attributes}`);
      if (session) lookups.set(reply.request, Promise.resolve(session));
      else lookups.delete(reply.request);
    },
    clearSessionCookie(reply) {
      reply.header('set-cookie', `${name}=; Max-Age=0; ${attributes}`);
      lookups.delete(reply.request);
    },
    currentSession(request) {
      let lookup = lookups.get(request);
      if (!lookup) {
        const token = readSessionToken(request);
        lookup = token === null ? Promise.resolve(null) : authenticate(token, { ip: request.ip, userAgent: request.headers['user-agent'] });
        lookups.set(request, lookup);
        // A failed lookup (database down) is not remembered: asking again tries again.
        lookup.catch(() => lookups.delete(request));
      }
      return lookup;
    },
  };
}
