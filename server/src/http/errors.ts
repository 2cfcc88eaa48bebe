// One error shape for every HTTP response: { error: <stable code>, message, requestId }.
// Internal details stay in the log, under the request id the client is given.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    /** Headers the answer carries, e.g. WWW-Authenticate. */
    readonly headers: Record<string, string> = {},
    /** The request field the error concerns (a form shows the message next to it), e.g. "email" or "redirectUris.1". */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The field a validation error concerns: "body/email" → "email", a missing property → its name. */
function fieldOfValidation(error: FastifyError): string | undefined {
  const first = error.validation?.[0];
  if (!first) return undefined;
  const missing = (first.params as { missingProperty?: unknown } | undefined)?.missingProperty;
  const extra = (first.params as { additionalProperty?: unknown } | undefined)?.additionalProperty;
  const path = first.instancePath.split('/').filter(Boolean);
  if (typeof missing === 'string') path.push(missing);
  else if (typeof extra === 'string') path.push(extra);
  return path.length > 0 ? path.join('.') : undefined;
}

export function errorHandler(error: FastifyError | HttpError, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof HttpError) {
    void reply.headers(error.headers).status(error.statusCode).send({ error: error.code, message: error.message, requestId: request.id, ...(error.field ? { field: error.field } : {}) });
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
  const field = error.validation ? fieldOfValidation(error) : undefined;
  void reply.status(status).send({ error: code, message: error.message, requestId: request.id, ...(field ? { field } : {}) });
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  void reply.status(404).send({ error: 'not_found', message: `No route for ${request.method} ${request.url.split('?')[0]}.`, requestId: request.id });
}
