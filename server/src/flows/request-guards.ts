// Cross-site request forgery defences for the flow API's state-changing requests, after OWASP's CSRF Prevention
// Cheat Sheet: the request must come from our own origin (Fetch Metadata and Origin headers), and a flow's
// requests must also carry that flow's synchronizer token, which a page on another site cannot read.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { FlowError } from './errors.ts';

export const CSRF_HEADER = 'x-csrf-token';

/**
 * OWASP CSRF Cheat Sheet, "Fetch Metadata headers" and "Verifying origin with standard headers": a browser sends
 * Sec-Fetch-Site and Origin with every POST; anything but our own origin is refused, and so is a request with
 * neither header (the cheat sheet recommends blocking when both are missing). Scripts (benchmarks, tests) send Origin.
 */
export function assertSameOrigin(request: FastifyRequest, expectedOrigin: string): void {
  const fetchSite = request.headers['sec-fetch-site'];
  if (fetchSite !== undefined && fetchSite !== 'same-origin') throw new FlowError('cross_site_request');
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== expectedOrigin) throw new FlowError('cross_site_request');
  if (fetchSite === undefined && origin === undefined) throw new FlowError('cross_site_request');
}

/** The synchronizer token of the flow, compared in constant time. */
export function assertCsrfToken(request: FastifyRequest, expected: string): void {
  const sent = request.headers[CSRF_HEADER];
  const sentBytes = Buffer.from(typeof sent === 'string' ? sent : '');
  const expectedBytes = Buffer.from(expected);
  if (sentBytes.length !== expectedBytes.length || !timingSafeEqual(sentBytes, expectedBytes)) throw new FlowError('csrf_token_invalid');
}
