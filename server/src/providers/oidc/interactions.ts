// The interactions of an authorization (or device) request: what the login flow asks oidc-provider, and how it
// answers. The browser carries the interaction's cookie (set when the provider sent it to /interaction/<uid>),
// which binds the interaction to the browser that started it; every method here reads it from the request.
// Each finishing method returns the URL the browser goes to next (the provider's resume endpoint), so a JSON
// API can hand it to the page instead of redirecting.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { InteractionInstance, Provider } from 'oidc-provider';
import type { IdentityService } from '../../identity/index.ts';
import { OidcError } from './errors.ts';
import type { ClientRegistry } from './clients.ts';

export interface InteractionDetails {
  uid: string;
  prompt: {
    /** login: someone must sign in; consent: the signed-in user must allow the client what it asks. */
    name: 'login' | 'consent';
    /** oidc-provider's reasons (no_session, login_prompt, max_age, id_token_hint, gatehouse_session, op_scopes_missing…). */
    reasons: string[];
    /** For consent: missingOIDCScope, missingOIDCClaims (what would be granted); for login: max_age, login_hint. */
    details: Record<string, unknown>;
  };
  /** The authorization request's parameters: client_id, redirect_uri, scope, prompt, max_age, login_hint, nonce… */
  params: Record<string, unknown>;
  /** The provider's own session, when someone signed in already (a consent prompt always has one). */
  session?: { accountId: string };
  client: { clientId: string; name: string; logoUri?: string };
  /** What earlier steps of this interaction submitted (e.g. the login, while consent is pending). */
  lastSubmission?: Record<string, unknown>;
}

export interface LoginResult {
  /** The Gatehouse user id: becomes `sub`. */
  accountId: string;
  /** RFC 8176 authentication method references, e.g. ['pwd'] or ['pwd', 'otp']. */
  amr: string[];
  acr?: string;
  /** When the user authenticated, in seconds since the epoch (OIDC Core 2, auth_time); default now. */
  authTime?: number;
}

export interface InteractionError {
  /** An OAuth error code for the client (RFC 6749 §4.1.2.1; OIDC Core 3.1.2.6), e.g. access_denied. */
  error: string;
  description: string;
}

/** RFC 6749 §5.2: error codes are printable ASCII without '"' and '\'; ours are snake_case words. */
const ERROR_CODE = /^[a-z][a-z_]{0,63}$/;
/** How far a given authTime may lie in the future (clock skew between the flow and here). */
const AUTH_TIME_SKEW_SECONDS = 60;

export interface InteractionsDeps {
  provider(): Provider;
  clients: Pick<ClientRegistry, 'providerMetadata'>;
  identity: Pick<IdentityService, 'claimsFor' | 'sessionCookie'>;
  now?: () => number;
}

export class Interactions {
  private readonly now: () => number;
  /**
   * The interaction each request loaded, so the checks of one request (the flow API's state, then the login's step
   * check) read it once. Per request only; the save in submit reads it afresh.
   */
  private readonly loaded = new WeakMap<FastifyRequest, Promise<InteractionInstance>>();

  constructor(private readonly deps: InteractionsDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Throws interaction_not_found when this browser has no such interaction (or it expired, or was finished). */
  async details(request: FastifyRequest, reply: FastifyReply): Promise<InteractionDetails> {
    const interaction = await this.load(request, reply);
    const clientId = String(interaction.params.client_id ?? '');
    const metadata = await this.deps.clients.providerMetadata(clientId);
    const name = typeof metadata?.client_name === 'string' ? metadata.client_name : clientId;
    const logoUri = typeof metadata?.logo_uri === 'string' ? metadata.logo_uri : undefined;
    return {
      uid: interaction.uid,
      prompt: { name: interaction.prompt.name as 'login' | 'consent', reasons: [...interaction.prompt.reasons], details: { ...interaction.prompt.details } },
      params: { ...interaction.params },
      ...(interaction.session?.accountId ? { session: { accountId: interaction.session.accountId } } : {}),
      client: { clientId, name, ...(logoUri ? { logoUri } : {}) },
      ...(interaction.lastSubmission ? { lastSubmission: { ...interaction.lastSubmission } } : {}),
    };
  }

  /**
   * Records who signed in. Refuses an authentication older than the request allows:
   * prompt=login wants one made after the request arrived, max_age one at most that many seconds old
   * (OIDC Core 3.1.2.1) — so reusing a Gatehouse session is only possible when neither applies.
   */
  async finishLogin(request: FastifyRequest, reply: FastifyReply, result: LoginResult): Promise<string> {
    const interaction = await this.load(request, reply);
    if (interaction.prompt.name !== 'login') {
      throw new OidcError('interaction_step_mismatch', `This sign-in waits for ${interaction.prompt.name}, not for a login.`);
    }
    if (!(await this.accountIsActive(request, result.accountId))) {
      throw new OidcError('account_unavailable', 'This account does not exist or is disabled.');
    }
    const now = Math.floor(this.now() / 1000);
    const authTime = result.authTime ?? now;
    if (!Number.isInteger(authTime) || authTime > now + AUTH_TIME_SKEW_SECONDS) {
      throw new OidcError('reauthentication_required', 'The time of authentication must be an integer number of seconds, not in the future.');
    }
    const prompts = String(interaction.params.prompt ?? '').split(' ');
    if (prompts.includes('login') && authTime < interaction.iat) {
      throw new OidcError('reauthentication_required', 'The application asked for a new sign-in (prompt=login): an earlier one cannot be reused.');
    }
    const maxAge = interaction.params.max_age;
    if (maxAge !== undefined && maxAge !== null && now - authTime > Number(maxAge)) {
      throw new OidcError('reauthentication_required', `The application accepts a sign-in at most ${Number(maxAge)} seconds old (max_age).`);
    }
    const login = { accountId: result.accountId, amr: [...result.amr], ts: authTime, remember: true, ...(result.acr ? { acr: result.acr } : {}) };
    return this.submit(request, reply, { login }, false);
  }

  /** Grants what the consent prompt asked for (scopes and claims) and remembers it for this user and client. */
  async finishConsent(request: FastifyRequest, reply: FastifyReply): Promise<string> {
    const interaction = await this.load(request, reply);
    const accountId = interaction.session?.accountId;
    if (interaction.prompt.name !== 'consent' || !accountId) {
      throw new OidcError('interaction_step_mismatch', `This sign-in waits for ${interaction.prompt.name}, not for consent.`);
    }
    const provider = this.deps.provider();
    const clientId = String(interaction.params.client_id);
    const grant = (interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined) ?? new provider.Grant({ accountId, clientId });
    const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = interaction.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    // A new grant is named in the result; an existing one was updated in place.
    return this.submit(request, reply, { consent: interaction.grantId === grantId ? {} : { grantId } }, true);
  }

  /** Ends the interaction with an OAuth error that the client receives (e.g. access_denied when the user cancels). */
  async abort(request: FastifyRequest, reply: FastifyReply, error: InteractionError): Promise<string> {
    if (!ERROR_CODE.test(error.error)) throw new TypeError(`"${error.error}" is not an OAuth error code`);
    await this.load(request, reply);
    return this.submit(request, reply, { error: error.error, error_description: error.description }, false);
  }

  /**
   * Whether the account exists and is active. The request's Gatehouse session (authenticated, or just made by the
   * login: SessionCookie.setSessionCookie) answers for its own user, who was read active in this request.
   */
  private async accountIsActive(request: FastifyRequest, accountId: string): Promise<boolean> {
    const current = await this.deps.identity.sessionCookie.currentSession(request);
    return current?.user.id === accountId || (await this.deps.identity.claimsFor(accountId)) !== null;
  }

  private load(request: FastifyRequest, reply: FastifyReply): Promise<InteractionInstance> {
    let interaction = this.loaded.get(request);
    if (!interaction) {
      interaction = this.deps.provider().interactionDetails(request.raw, reply.raw);
      this.loaded.set(request, interaction);
    }
    return interaction.catch((error: unknown) => {
      throw interactionNotFound(error);
    });
  }

  /**
   * Records the result through oidc-provider's interactionResult, which reads the interaction afresh before saving
   * it: a request that was slow (the password check) must fail if the interaction was finished, expired or taken over
   * meanwhile (a double submit whose twin already resumed), never bring it back. That read is the one statement the
   * per-request memo above does not save.
   */
  private async submit(request: FastifyRequest, reply: FastifyReply, result: Record<string, unknown>, mergeWithLastSubmission: boolean): Promise<string> {
    try {
      return await this.deps.provider().interactionResult(request.raw, reply.raw, result, { mergeWithLastSubmission });
    } catch (error) {
      throw interactionNotFound(error);
    }
  }
}

/** oidc-provider's SessionNotFound (no cookie, no such interaction, or its session changed) as our error. */
function interactionNotFound(error: unknown): unknown {
  if ((error as { name?: string } | null)?.name !== 'SessionNotFound') return error;
  return new OidcError('interaction_not_found', 'This sign-in request has expired or was already finished. Go back to the application and sign in again.');
}
