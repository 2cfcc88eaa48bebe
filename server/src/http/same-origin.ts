// Whether a state-changing request comes from our own pages, after OWASP's CSRF Prevention Cheat Sheet
// ("Fetch Metadata headers", "Verifying origin with standard headers"): a browser sends Sec-Fetch-Site and Origin with
// every POST; anything but our own origin is refused, and so is a request with neither header (the cheat sheet
// recommends blocking when both are missing). Scripts (benchmarks, tests, the CLI's peers) send Origin.
import type { FastifyRequest } from 'fastify';

export function comesFromOwnOrigin(request: FastifyRequest, expectedOrigin: string): boolean {
  const fetchSite = request.headers['sec-fetch-site'];
  const origin = request.headers.origin;
  if (fetchSite !== undefined && fetchSite !== 'same-origin') return false;
  if (origin !== undefined && origin !== expectedOrigin) return false;
  return fetchSite !== undefined || origin !== undefined;
}
