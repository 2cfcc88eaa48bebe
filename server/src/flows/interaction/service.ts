// The login flow of one OIDC interaction, as a state machine whose state lives in login_flows:
// identify → password → (mfa, a later issue) → done, or consent → done for a consent prompt.
// Every answer is the whole view of where the flow stands, so the page can always re-render from the API.
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { AuthenticatedSession, IdentityService, UserRecord } from '../../identity/index.ts';
import type { BrowserBinding } from '../browser-binding.ts';
import { FlowError } from '../errors.ts';
import type { FlowRepo, FlowRow, FlowStep } from '../repo.ts';
import type { InteractionView } from '../schemas.ts';
import { assertCsrfToken, assertSameOrigin } from '../request-guards.ts';
import type { PasswordSignIn } from '../login/password-sign-in.ts';
import type { InteractionDetails, OidcService } from '../../providers/oidc/index.ts';
import { sessionCompletesLogin } from './session-reuse.ts';
import { clientView, consentClaims, consentScopes, loginHint, userView } from './views.ts';

/** oidc-provider keeps an interaction for an hour by default; a flow never needs to outlive it. */
export const FLOW_TTL_SECONDS = 60 * 60;

/** What the flow needs of the OIDC provider: the browser's interaction, and the ways to end it. */
export type InteractionProvider = Pick<OidcService, 'interactionDetails' | 'finishLogin' | 'finishConsent' | 'abortInteraction'>;

export interface LoginFlowsDeps {
  repo: FlowRepo;
  identity: IdentityService;
  provider: InteractionProvider;
  /** The password step (throttles, one check, events), shared with the direct sign-in. */
  signIn: PasswordSignIn;
  binding: BrowserBinding;
  /** Our own origin (from the public URL): state-changing requests must come from it. */
  origin: string;
  logger: Logger;
}

/** A flow and its interaction, loaded for a state-changing request that passed the CSRF checks. */
interface Loaded {
  flow: FlowRow;
  details: InteractionDetails;
}

export class LoginFlows {
  constructor(private readonly deps: LoginFlowsDeps) {}

  /** Where the flow stands; makes the flow (and the browser's binding cookie) on first sight. */
  async view(request: FastifyRequest, reply: FastifyReply, uid: string): Promise<InteractionView> {
    const browser = this.deps.binding.ensure(request, reply);
    const details = await this.details(request, reply, uid);
    if (!details) {
      // The provider has forgotten the interaction: it was completed (and followed), cancelled, or expired.
      const flow = await this.deps.repo.find(uid, browser);
      return flow?.step === 'done' ? { step: 'finished' } : { step: 'expired' };
    }
    const flow = await this.deps.repo.findOrCreate({
      interactionUid: uid,
      browserHash: browser,
      csrfToken: randomBytes(32).toString('base64url'),
      step: details.prompt.name === 'consent' ? 'consent' : 'identify',
      ttlSeconds: FLOW_TTL_SECONDS,
    });
    return this.render(request, flow, details);
  }

  /** Identification: remembers the login name and asks for the password. It never says whether the name exists. */
  async identify(request: FastifyRequest, reply: FastifyReply, uid: string, login: string): Promise<InteractionView> {
    const { flow, details } = await this.loadForChange(request, reply, uid, ['identify', 'password']);
    const trimmed = login.trim();
    if (trimmed === '') throw new FlowError('login_required');
    await this.advance(flow, ['identify', 'password'], { step: 'password', login: trimmed });
    return this.render(request, { ...flow, step: 'password', login: trimmed }, details);
  }

  /** "Use another account": back to identification. */
  async restart(request: FastifyRequest, reply: FastifyReply, uid: string): Promise<InteractionView> {
    const { flow, details } = await this.loadForChange(request, reply, uid, ['identify', 'password', 'mfa']);
    await this.advance(flow, ['identify', 'password', 'mfa'], { step: 'identify', login: null, userId: null });
    return this.render(request, { ...flow, step: 'identify', login: null, userId: null }, details);
  }

  async password(request: FastifyRequest, reply: FastifyReply, uid: string, password: string): Promise<InteractionView> {
    const { flow, details } = await this.loadForChange(request, reply, uid, ['password']);
    // Unknown user, wrong password and disabled user: the same answer, after the same work.
    const user = await this.deps.signIn.verify(request, reply, flow.login!, password, { interaction: uid, clientId: details.client.clientId });
    return this.finishLogin(request, reply, flow, details, user, ['pwd'], new Date());
  }

  /** Completes the login from the browser's Gatehouse session, when the request allows that (see sessionCompletesLogin). */
  async continueWithSession(request: FastifyRequest, reply: FastifyReply, uid: string): Promise<InteractionView> {
    const { flow, details } = await this.loadForChange(request, reply, uid, ['identify']);
    const current = await this.reusableSession(request, details);
    if (!current) throw new FlowError('session_not_usable');
    return this.finishLogin(request, reply, flow, details, current.user, current.session.authMethods, current.session.authTime, false);
  }

  async consent(request: FastifyRequest, reply: FastifyReply, uid: string, decision: 'allow' | 'deny'): Promise<InteractionView> {
    const { flow } = await this.loadForChange(request, reply, uid, ['consent']);
    const redirectTo =
      decision === 'allow'
        ? await this.deps.provider.finishConsent(request, reply)
        : await this.deps.provider.abortInteraction(request, reply, { error: 'access_denied', description: 'The user did not allow the application access.' });
    return this.done(flow, ['consent'], redirectTo);
  }

  /** "Cancel": the app gets access_denied (RFC 6749 §4.1.2.1), and the browser goes back to it. */
  async cancel(request: FastifyRequest, reply: FastifyReply, uid: string): Promise<InteractionView> {
    const steps: FlowStep[] = ['identify', 'password', 'mfa', 'consent'];
    const { flow } = await this.loadForChange(request, reply, uid, steps);
    const redirectTo = await this.deps.provider.abortInteraction(request, reply, { error: 'access_denied', description: 'The user cancelled the sign-in.' });
    return this.done(flow, steps, redirectTo);
  }

  private async finishLogin(
    request: FastifyRequest,
    reply: FastifyReply,
    flow: FlowRow,
    details: InteractionDetails,
    user: UserRecord,
    authMethods: string[],
    authTime: Date,
    newSession = true,
  ): Promise<InteractionView> {
    // The MFA step of a later issue goes here: when a second factor is due, advance to 'mfa' and render it instead.
    if (newSession) await this.deps.signIn.startSession(request, reply, user, { authMethods, authTime, method: 'password', clientId: details.client.clientId });
    const redirectTo = await this.deps.provider.finishLogin(request, reply, {
      accountId: user.id,
      amr: authMethods,
      authTime: Math.floor(authTime.getTime() / 1000),
    });
    this.deps.logger.info({ interaction: details.uid, userId: user.id, client: details.client.clientId, reusedSession: !newSession }, 'sign-in completed');
    return this.done(flow, ['identify', 'password', 'mfa'], redirectTo);
  }

  private async done(flow: FlowRow, from: FlowStep[], redirectTo: string): Promise<InteractionView> {
    // Kept with the flow: a refresh after this answer still sends the browser on.
    await this.deps.repo.advance(flow.id, from, { step: 'done', redirectTo });
    return { step: 'redirect', redirectTo };
  }

  private async render(request: FastifyRequest, flow: FlowRow, details: InteractionDetails): Promise<InteractionView> {
    const client = clientView(details.client);
    const { csrfToken } = flow;
    switch (flow.step) {
      case 'done':
        return flow.redirectTo ? { step: 'redirect', redirectTo: flow.redirectTo } : { step: 'finished' };
      case 'consent': {
        const accountId = details.session?.accountId;
        const user = accountId ? await this.deps.identity.findUserById(accountId) : null;
        return { step: 'consent', csrfToken, client, user: user ? userView(user) : null, scopes: consentScopes(details), claims: consentClaims(details) };
      }
      case 'identify': {
        const current = await this.reusableSession(request, details);
        if (current) return { step: 'session', csrfToken, client, user: userView(current.user) };
        return { step: 'identify', csrfToken, client, login: flow.login ?? loginHint(details) };
      }
      case 'password':
        return { step: 'password', csrfToken, client, login: flow.login! };
      case 'mfa':
        return { step: 'mfa', csrfToken, client, login: flow.login!, methods: [] };
    }
  }

  private async reusableSession(request: FastifyRequest, details: InteractionDetails): Promise<AuthenticatedSession | null> {
    const current = await this.deps.identity.sessionCookie.currentSession(request);
    return current && sessionCompletesLogin(details, current) ? current : null;
  }

  /**
   * The checks every state-changing request passes, in order: same origin (Fetch Metadata / Origin), this
   * browser's flow, its CSRF token, an interaction the provider still has, and a step that allows the request.
   */
  private async loadForChange(request: FastifyRequest, reply: FastifyReply, uid: string, allowed: FlowStep[]): Promise<Loaded> {
    assertSameOrigin(request, this.deps.origin);
    const browser = this.deps.binding.read(request);
    const flow = browser ? await this.deps.repo.find(uid, browser) : null;
    if (!flow) throw new FlowError('flow_not_found');
    assertCsrfToken(request, flow.csrfToken);
    const details = await this.details(request, reply, uid);
    if (!details) throw new FlowError('flow_not_found');
    if (!allowed.includes(flow.step)) throw new FlowError('wrong_step');
    return { flow, details };
  }

  private async advance(flow: FlowRow, from: FlowStep[], to: Parameters<FlowRepo['advance']>[2]): Promise<void> {
    if (!(await this.deps.repo.advance(flow.id, from, to))) throw new FlowError('wrong_step');
  }

  /** The interaction this browser is in, if it is the one the page names; null when the provider has none. */
  private async details(request: FastifyRequest, reply: FastifyReply, uid: string): Promise<InteractionDetails | null> {
    let details: InteractionDetails;
    try {
      details = await this.deps.provider.interactionDetails(request, reply);
    } catch (error) {
      if (isInteractionMissing(error)) return null;
      throw error;
    }
    return details.uid === uid ? details : null;
  }
}

/** The provider has no such interaction for this browser (the OIDC domain's interaction_not_found, or oidc-provider's own SessionNotFound). */
function isInteractionMissing(error: unknown): boolean {
  const { name, code } = (error ?? {}) as { name?: string; code?: string };
  return code === 'interaction_not_found' || name === 'SessionNotFound';
}
