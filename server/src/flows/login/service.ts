// Signing in to Gatehouse itself (the control UI, the portal), with the same protections as an app's sign-in:
// same origin only, the same throttles, the same answer and work for every failure (PasswordSignIn).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IdentityService } from '../../identity/index.ts';
import { HttpError } from '../../http/errors.ts';
import { FLOW_ERRORS } from '../errors.ts';
import { assertSameOrigin } from '../request-guards.ts';
import type { LoginBody, LoginDone } from '../schemas.ts';
import type { PasswordSignIn } from './password-sign-in.ts';
import { safeNextPath } from './next-path.ts';

export interface DirectSignInDeps {
  identity: IdentityService;
  signIn: PasswordSignIn;
  /** Our own origin: the request must come from it, and `next` must stay on it. */
  origin: string;
}

export class DirectSignIn {
  constructor(private readonly deps: DirectSignInDeps) {}

  async signIn(request: FastifyRequest, reply: FastifyReply, body: LoginBody): Promise<LoginDone> {
    // A forged sign-in (login CSRF) would put the victim in the attacker's account: only our own pages may post.
    assertSameOrigin(request, this.deps.origin);
    const login = body.login.trim();
    if (login === '') throw new HttpError(400, 'login_required', FLOW_ERRORS.login_required[1], {}, 'login');
    const user = await this.deps.signIn.verify(request, reply, login, body.password);
    // One browser, one session: the one this browser had (the same person, or someone else) ends with its cookie.
    const previous = await this.deps.identity.sessionCookie.currentSession(request);
    if (previous) await this.deps.identity.revokeSession(previous.session.id);
    await this.deps.signIn.startSession(request, reply, user, { authMethods: ['pwd'], authTime: new Date(), method: 'password' });
    return { redirectTo: safeNextPath(body.next, this.deps.origin) };
  }
}
