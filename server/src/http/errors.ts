// One error shape for every HTTP response: { error: <stable code>, message, requestId }.
// Internal details stay in the log, under the request id the client is given.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function errorHandler(error: FastifyError | HttpError, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof HttpError) {
    void reply.status(error.statusCode).send({ error: error.code, message: error.message, requestId: request.id });
    return;
  }
  const status = error.statusCode ?? 500;
  if (status >= 500) {
    request.log.error({ err: error }, 'request failed');
    void reply.status(500).send({ error: 'internal_error', message: `Something went wrong on the server. Quote request id ${request.id} when reporting it; the details are in the server log.`, requestId: request.id });
    return;
  }
  // Fastify's own 4xx errors (bad JSON, validation, body too large) are safe to show.
  const code = error.validation ? 'invalid_request' : (error.code?.replace(/^FST_ERR_/, '').toLowerCase() ?? 'bad_request');
  void reply.status(status).send({ error: code, message: error.message, requestId: request.id });
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  void reply.status(404).send({ error: 'not_found', message: `No route for ${request.method} ${request.url.split('?')[0]}.`, requestId: request.id });
}
