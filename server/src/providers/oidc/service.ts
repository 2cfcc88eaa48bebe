// What the OIDC domain offers the other domains: the login flow drives interactions with the first four
// methods (each takes the Fastify request and reply of a request that carries the interaction's cookie);
// the admin side manages applications, consent and signing keys.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ClientRecord, NewClientInput } from './clients.ts';
import type { InteractionDetails, InteractionError, LoginResult } from './interactions.ts';
import type { KeyState, RotationResult, SigningAlg } from './keys.ts';

export interface OidcService {
  /** The interaction this browser is in. Throws OidcError interaction_not_found (HTTP 400). */
  interactionDetails(request: FastifyRequest, reply: FastifyReply): Promise<InteractionDetails>;
  /**
   * Records the login of a login prompt; returns where the browser goes next.
   * Throws interaction_not_found, interaction_step_mismatch (not a login prompt), account_unavailable
   * (unknown or disabled user), reauthentication_required (authTime too old for prompt=login or max_age).
   */
  finishLogin(request: FastifyRequest, reply: FastifyReply, result: LoginResult): Promise<string>;
  /** Grants what a consent prompt asked for, remembered for this user and client; returns where the browser goes next. */
  finishConsent(request: FastifyRequest, reply: FastifyReply): Promise<string>;
  /** Ends the interaction with an OAuth error for the client (e.g. access_denied); returns where the browser goes next. */
  abortInteraction(request: FastifyRequest, reply: FastifyReply, error: InteractionError): Promise<string>;
  /** An application, enabled or not; null when there is none with that id. Never holds its secret. */
  getClient(clientId: string): Promise<ClientRecord | null>;
  /** Registers an application; its secret (null for a public client) is returned here and never again. */
  createClient(input: NewClientInput): Promise<{ client: ClientRecord; clientSecret: string | null }>;
  /** A disabled application is refused at every endpoint, on every instance, at once. */
  setClientEnabled(clientId: string, enabled: boolean): Promise<void>;
  /** Forgets a user's consent (for one application, or all) and revokes the tokens issued under it. */
  revokeConsent(accountId: string, clientId?: string): Promise<void>;
  /** Publishes a successor signing key per algorithm now; it signs after the publication period (keys.ts). */
  rotateSigningKeys(): Promise<RotationResult>;
  /** Re-reads the signing keys (after a change made elsewhere); the bus normally tells every instance. */
  reloadSigningKeys(): Promise<void>;
  /** The keys this instance uses, and what each is for now. */
  signingKeys(): Array<{ kid: string; alg: SigningAlg; state: KeyState }>;
}
