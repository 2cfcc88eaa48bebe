// Ties a login flow to the browser that started it: a random value in an HttpOnly cookie, of which the flow row
// keeps only the SHA-256. Another browser that learns an interaction id gets a flow of its own, never this one.
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

const VALUE_FORMAT = /^[A-Za-z0-9_-]{43}$/;

export interface BrowserBinding {
  /** Reads the browser's value, or gives it one (set on the reply). */
  ensure(request: FastifyRequest, reply: FastifyReply): Buffer;
  /** The browser's value if it has one. */
  read(request: FastifyRequest): Buffer | null;
}

export function createBrowserBinding(publicUrl: string): BrowserBinding {
  const secure = publicUrl.startsWith('https:');
  // RFC 6265bis §4.1.3.2: a __Host- cookie is Secure, host-only and for the whole path, so no sibling host can set it.
  const name = secure ? '__Host-gatehouse-flow' : 'gatehouse_flow';
  const hash = (value: string) => createHash('sha256').update(value).digest();
  const read = (request: FastifyRequest) => {
    const value = request.cookies[name];
    return value && VALUE_FORMAT.test(value) ? hash(value) : null;
  };
  return {
    read,
    ensure(request, reply) {
      const existing = read(request);
      if (existing) return existing;
      const value = randomBytes(32).toString('base64url');
      // A browser-session cookie: the flows it binds last an hour at most. SameSite=Strict: only our own pages' requests carry it.
      void reply.setCookie(name, value, { path: '/', httpOnly: true, secure, sameSite: 'strict' });
      return hash(value);
    },
  };
}
