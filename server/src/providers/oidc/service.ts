// What the OIDC domain offers the other domains: the login flow drives interactions with the first four
// methods (each takes the Fastify request and reply of a request that carries the interaction's cookie);
// the admin side manages applications, consent and signing keys.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EventActor, NewEvent } from '../../admin/audit.ts';
import type { StoredGrant } from './adapter.ts';
import type { ClientChanges, ClientPageQuery, ClientRecord, LaunchableClient, NewClientInput } from './clients.ts';
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
  /** One page of applications in name order (clients.ts ClientRegistry.page). */
  listClients(query: ClientPageQuery): Promise<ClientRecord[]>;
  /** The enabled applications that have a launch URL, in name order ("My apps"). */
  launchableClients(): Promise<LaunchableClient[]>;
  /**
   * Registers an application; its secret (null for a public client) is returned here and never again.
   * Given who does it, the change records its event (application.created) in the same transaction; so do the others.
   * Throws invalid_client_name, invalid_redirect_uri, invalid_grant_types, invalid_client_options,
   * invalid_application_url (each naming its field), client_name_taken.
   */
  createClient(input: NewClientInput, by?: EventActor): Promise<{ client: ClientRecord; clientSecret: string | null }>;
  /** Changes settings with the checks of createClient (application.updated); client_not_found when there is none. */
  updateClient(clientId: string, changes: ClientChanges, by?: EventActor): Promise<ClientRecord>;
  /** A disabled application is refused at every endpoint, on every instance, at once. */
  setClientEnabled(clientId: string, enabled: boolean, by?: EventActor): Promise<void>;
  /** A new secret, returned once; the old one is refused at once (application.secret_rotated). */
  rotateClientSecret(clientId: string, by?: EventActor): Promise<string>;
  /** Deletes an application and revokes its grants, codes and tokens (application.deleted); returns it as it was. */
  deleteClient(clientId: string, by?: EventActor): Promise<ClientRecord>;
  /** The URLs applications are configured with, from the provider's own routes. */
  endpoints(): OidcEndpointUrls;
  /** What a user consented to, per application (the stored grants). */
  consentsOf(accountId: string): Promise<StoredGrant[]>;
  /**
   * Forgets a user's consent (for one application, or all) and revokes the tokens issued under it; returns how many
   * grants there were. `event`, when given, is recorded in the same transaction.
   */
  revokeConsent(accountId: string, clientId?: string, event?: NewEvent): Promise<number>;
  /** Publishes a successor signing key per algorithm now; it signs after the publication period (keys.ts). */
  rotateSigningKeys(): Promise<RotationResult>;
  /** Re-reads the signing keys (after a change made elsewhere); the bus normally tells every instance. */
  reloadSigningKeys(): Promise<void>;
  /** The keys this instance uses, and what each is for now. */
  signingKeys(): Array<{ kid: string; alg: SigningAlg; state: KeyState }>;
}

/** OpenID Connect Discovery 1.0 §3 endpoints, as absolute URLs. */
export interface OidcEndpointUrls {
  issuer: string;
  discovery: string;
  authorization: string;
  token: string;
  userinfo: string;
  jwks: string;
  endSession: string;
  introspection: string;
  revocation: string;
}
