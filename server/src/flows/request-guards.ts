// Cross-site request forgery defences for the flow API's state-changing requests, after OWASP's CSRF Prevention
// Cheat Sheet: the request must come from our own origin (Fetch Metadata and Origin headers), and a flow's
// requests must also carry that flow's synchronizer token, which a page on another site cannot read.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { FlowError } from './errors.ts';
import { comesFromOwnOrigin } from '../http/same-origin.ts';

export const CSRF_HEADER = 'x-csrf-token';

/** OWASP CSRF Cheat Sheet: the request must come from our own origin (see comesFromOwnOrigin). */
export function assertSameOrigin(request: FastifyRequest, expectedOrigin: string): void {
  if (!comesFromOwnOrigin(request, expectedOrigin)) throw new FlowError('cross_site_request');
}

/** The synchronizer token of the flow, compared in constant time. */
export function assertCsrfToken(request: FastifyRequest, expected: string): void {
  const sent = request.headers[CSRF_HEADER];
  const sentBytes = Buffer.from(typeof sent === 'string' ? sent : '');
  const expectedBytes = Buffer.from(expected);
  if (sentBytes.length !== expectedBytes.length || !timingSafeEqual(sentBytes, expectedBytes)) throw new FlowError('csrf_token_invalid');
}
