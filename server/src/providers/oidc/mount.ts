// oidc-provider (a Koa application) mounted in Fastify: its routes get the raw request and response.
// Fastify neither parses their bodies (oidc-provider reads form posts itself, with its own size limit) nor
// writes their responses (the reply is hijacked), so its onSend headers are set here before handing over.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

/** The paths oidc-provider answers: discovery at the issuer's root, every endpoint under /oidc. */
export const PROVIDER_PATHS = ['/.well-known/openid-configuration', '/oidc/*'] as const;

export type RawHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** The Fastify request behind a raw one, for provider code that needs Gatehouse's view of it (the session cookie). */
const fastifyRequests = new WeakMap<IncomingMessage, FastifyRequest>();

export function fastifyRequestOf(raw: IncomingMessage): FastifyRequest | undefined {
  return fastifyRequests.get(raw);
}

/** Registers the provider's routes; `handler()` is asked per request, so the provider can be rebuilt (key rotation). */
export async function mountProvider(app: FastifyInstance, handler: () => RawHandler, logger: Logger): Promise<void> {
  await app.register(async (scope) => {
    // Leave every body unread: oidc-provider parses application/x-www-form-urlencoded itself.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    for (const path of PROVIDER_PATHS) {
      scope.all(path, async (request, reply) => {
        fastifyRequests.set(request.raw, request);
        reply.hijack();
        const res = reply.raw;
        res.setHeader('x-request-id', request.id);
        res.setHeader('x-content-type-options', 'nosniff');
        res.setHeader('referrer-policy', 'no-referrer');
        res.setHeader('x-frame-options', 'DENY');
        try {
          await handler()(request.raw, res);
        } catch (error) {
          // oidc-provider answers its own errors; this is a failure around it.
          logger.error({ err: error, requestId: request.id }, 'the OIDC provider failed a request');
          if (!res.headersSent) {
            res.statusCode = 500;
            res.setHeader('content-type', 'application/json; charset=utf-8');
            res.end(JSON.stringify({ error: 'server_error', error_description: `Something went wrong on the server (request id ${request.id}).` }));
          } else {
            res.end();
          }
        }
      });
    }
  });
}
