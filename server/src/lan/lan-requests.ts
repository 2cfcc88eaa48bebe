// Which requests came in through the LAN listener: it marks each one before handing it to the app.
import type { IncomingMessage } from 'node:http';

const lanRequests = new WeakSet<IncomingMessage>();

export function markLanRequest(request: IncomingMessage): void {
  lanRequests.add(request);
}

export function cameThroughLanListener(request: IncomingMessage): boolean {
  return lanRequests.has(request);
}
