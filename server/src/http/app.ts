// Fastify assembly: request ids, structured request logs, security headers, one error shape.
// buildServer() is apart from listen(), so tests drive it with app.inject().
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { errorHandler, notFoundHandler } from './errors.ts';
import { requestIdFor } from './request-id.ts';
import { registerHealth, type ReadinessDeps } from './health.ts';
import { registerMetrics } from './metrics.ts';
import type { Domain } from '../appliance/context.ts';
import { lanListenerPolicy } from '../lan/listener-policy.ts';

export interface ServerDeps {
  logger: Logger;
  /** The domains' routes (identity, OIDC, flows…), each an encapsulated plugin. */
  domains?: Domain[];
  readiness: ReadinessDeps;
  metrics: Registry;
  metricsFromLan: boolean;
}

/** Query values that are secrets (one-time setup, reset and bootstrap links, codes, ID tokens); the log keeps the name only. */
const SECRET_QUERY = /([?&](?:token|code|code_verifier|client_secret|user_code|id_token_hint)=)[^&#]*/gi;

/** A request as the logs show it: the URL with its secret query values hidden (they are live credentials). */
function requestForLog(request: { method: string; url: string; hostname?: string; ip?: string; socket?: { remotePort?: number } }) {
  return { method: request.method, url: request.url.replace(SECRET_QUERY, '$1[hidden]'), host: request.hostname, remoteAddress: request.ip, remotePort: request.socket?.remotePort };
}

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.logger.child({ component: 'http' }, { serializers: { req: requestForLog } }) as FastifyBaseLogger,
    genReqId: requestIdFor,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    bodyLimit: 1024 * 1024,
    // On close, idle keep-alive sockets go at once; in-flight requests are drained.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // A field the schema does not name is refused (400 naming it), not silently dropped: a typo in an API call
    // must not pass for a request that did what was meant. (Fastify's default strips unknown properties.)
    ajv: { customOptions: { removeAdditional: false } },
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
  // LAN mode: which door a request came in by (server/src/lan/listener-policy.ts), before any route's own guard.
  const lanPolicy = lanListenerPolicy(deps.domains ?? []);
  if (lanPolicy) app.addHook('onRequest', lanPolicy);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  registerHealth(app, deps.readiness);
  registerMetrics(app, deps.metrics, { allowRemote: deps.metricsFromLan });
  for (const domain of deps.domains ?? []) await domain.register(app);
  await app.ready();
  return app;
}
