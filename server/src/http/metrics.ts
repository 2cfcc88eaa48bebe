// GET /metrics in Prometheus text format.
// Metrics reveal traffic and internals, so only loopback callers get them unless http.metricsFromLan is on.
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { HttpError } from './errors.ts';
import { isLoopback } from './loopback.ts';

export function registerMetrics(app: FastifyInstance, registry: Registry, options: { allowRemote: boolean }): void {
  app.get('/metrics', async (request, reply) => {
    if (!options.allowRemote && !isLoopback(request.socket.remoteAddress)) {
      throw new HttpError(403, 'forbidden', 'Metrics are served to loopback only. Set http.metricsFromLan: true to scrape them from the LAN.');
    }
    return reply.header('content-type', registry.contentType).send(await registry.metrics());
  });
}
