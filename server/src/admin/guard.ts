// Who may use the admin API, checked in onRequest (before a body is read or validated):
// - an API token (Authorization: Bearer gh_…) whose scopes include the one the route names in its config;
// - or a signed-in admin, from the control UI's own origin.
// And who may use the portal API (/api/v1/me): any signed-in, active user, from our own origin.
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedSession, IdentityService } from '../identity/index.ts';
import { HttpError } from '../http/errors.ts';
import { comesFromOwnOrigin } from '../http/same-origin.ts';
import type { EventActor } from './audit.ts';
import type { AdminScope } from './scopes.ts';
import type { ApiTokenRepo, PresentedToken } from './tokens/repo.ts';
import { hashApiToken, isWellFormedApiToken } from './tokens/token-format.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope an API token needs for this route; without one, only a signed-in admin may call it. */
    scope?: AdminScope;
  }
  interface FastifyRequest {
    /** Set by adminGuard: the signed-in admin (absent when an API token was used). */
    adminSession?: AuthenticatedSession;
    /** Set by adminGuard when an API token was used. */
    apiToken?: PresentedToken;
    /** Set by userGuard: the signed-in user of a portal request. */
    userSession?: AuthenticatedSession;
  }
}

type Hook = (request: FastifyRequest) => Promise<void>;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function refuseCrossSite(request: FastifyRequest, ownOrigin: string): void {
  // OWASP CSRF Prevention Cheat Sheet: a state-changing request must come from our own origin.
  if (!SAFE_METHODS.has(request.method) && !comesFromOwnOrigin(request, ownOrigin)) {
    throw new HttpError(403, 'cross_site_request', 'This request did not come from Gatehouse\'s own pages, so it was refused. Use the control UI, or send an Origin header naming this server.');
  }
}

/** The bearer token of the Authorization header; undefined when there is no such header. */
function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  // RFC 6750 §2.1: "Bearer" is case-insensitive, one space, then the token.
  const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
  return match ? match[1]! : '';
}

function tokenRefusal(error: 'invalid_token' | 'insufficient_scope', status: 401 | 403, code: string, message: string, scope?: string): HttpError {
  // RFC 6750 §3: tell the client what went wrong in WWW-Authenticate.
  return new HttpError(status, code, message, { 'www-authenticate': `Bearer error="${error}"${scope ? `, scope="${scope}"` : ''}` });
}

async function checkToken(request: FastifyRequest, token: string, tokens: ApiTokenRepo): Promise<PresentedToken> {
  const found = isWellFormedApiToken(token) ? await tokens.presented(hashApiToken(token)) : null;
  if (!found || found.state === 'revoked') {
    throw tokenRefusal('invalid_token', 401, 'invalid_token', 'This API token is not valid (unknown, revoked, or its admin is no longer an admin). Make a new one on the control UI’s API tokens page (/admin/tokens).');
  }
  if (found.state === 'expired') throw tokenRefusal('invalid_token', 401, 'token_expired', 'This API token has expired. Make a new one on the control UI’s API tokens page (/admin/tokens).');
  const scope = request.routeOptions.config.scope;
  if (!scope) {
    throw tokenRefusal('insufficient_scope', 403, 'token_not_allowed', 'API tokens cannot do this; it needs an admin signed in to the control UI.');
  }
  // RFC 6750 §3.1: a valid token without the scope the resource needs is answered 403 insufficient_scope.
  if (!found.scopes.includes(scope)) {
    throw tokenRefusal('insufficient_scope', 403, 'insufficient_scope', `This API token lacks the scope "${scope}". Make a token that has it.`, scope);
  }
  return found;
}

export function adminGuard(deps: { identity: IdentityService; tokens: ApiTokenRepo; publicUrl: string }): Hook {
  const ownOrigin = new URL(deps.publicUrl).origin;
  return async (request) => {
    const bearer = bearerOf(request);
    // A token is not sent by browsers on their own, so a request carrying one cannot be a cross-site forgery.
    if (bearer !== undefined) {
      request.apiToken = await checkToken(request, bearer, deps.tokens);
      return;
    }
    refuseCrossSite(request, ownOrigin);
    const current = await deps.identity.sessionCookie.currentSession(request);
    if (!current) throw new HttpError(401, 'not_signed_in', 'Sign in as an admin first.');
    if (!current.user.isAdmin) throw new HttpError(403, 'not_admin', 'Only admins can do this. Ask an admin of this Gatehouse.');
    request.adminSession = current;
  };
}

export function userGuard(deps: { identity: IdentityService; publicUrl: string }): Hook {
  const ownOrigin = new URL(deps.publicUrl).origin;
  return async (request) => {
    refuseCrossSite(request, ownOrigin);
    const current = await deps.identity.sessionCookie.currentSession(request);
    if (!current) throw new HttpError(401, 'not_signed_in', 'Sign in first.');
    request.userSession = current;
  };
}

/** Who made a request, as the event log records it (after adminGuard or userGuard). */
export function actorOf(request: FastifyRequest): EventActor {
  const session = request.adminSession ?? request.userSession;
  const base = { sourceAddress: request.ip, requestId: String(request.id) };
  if (session) return { ...base, actor: session.user.username, actorUserId: session.user.id };
  if (request.apiToken) return { ...base, actor: `token:${request.apiToken.name}`, viaApiToken: true };
  throw new Error('actorOf called on a request no guard let in');
}
