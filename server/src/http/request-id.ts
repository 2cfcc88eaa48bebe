import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A request id from a trusted proxy's X-Request-Id when it is well formed, else a new one. */
export function requestIdFor(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id'];
  // An attacker controls this header: accept only short, log-safe ids.
  if (typeof incoming === 'string' && /^[A-Za-z0-9._-]{8,64}$/.test(incoming)) return incoming;
  return randomUUID();
}
