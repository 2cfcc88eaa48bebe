// Whether a state-changing request comes from our own pages, after OWASP's CSRF Prevention Cheat Sheet
// ("Fetch Metadata headers", "Verifying origin with standard headers"): a browser sends Sec-Fetch-Site and Origin with
// every POST; anything but our own origin is refused, and so is a request with neither header (the cheat sheet
// recommends blocking when both are missing). Scripts (benchmarks, tests, the CLI's peers) send Origin.
import type { FastifyRequest } from 'fastify';
import { isLoopback } from './loopback.ts';

export function comesFromOwnOrigin(request: FastifyRequest, expectedOrigin: string): boolean {
  const fetchSite = request.headers['sec-fetch-site'];
  const origin = request.headers.origin;
  if (fetchSite !== undefined && fetchSite !== 'same-origin') return false;
  if (origin !== undefined && !isOwnOrigin(request, origin, expectedOrigin)) return false;
  return fetchSite !== undefined || origin !== undefined;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Whether an Origin is Gatehouse's own: the public URL's origin, or — for a request from this machine — the origin of
 * the loopback listener it came in on (the desktop window and local pages use http://127.0.0.1:<port> whatever the
 * public URL is). OWASP CSRF Prevention Cheat Sheet, "Identifying the target origin": a server may have several
 * origins of its own. A page elsewhere cannot send such an Origin: a browser names the page's own origin.
 */
export function isOwnOrigin(request: FastifyRequest, origin: string, publicOrigin: string): boolean {
  if (origin === publicOrigin) return true;
  if (!isLoopback(request.socket.remoteAddress)) return false;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  return parsed.origin === origin && parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname) && parsed.port === String(request.socket.localPort);
}
