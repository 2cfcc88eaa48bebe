// The OIDC / OAuth 2 provider domain: panva's oidc-provider on PostgreSQL, mounted in Fastify.
// Its service lets the login flow drive interactions, and the admin side manage clients and keys.
import type { AppContext, Domain } from '../../appliance/context.ts';
import type { IdentityService } from '../../identity/index.ts';
import { loadOidcProvider } from './load.ts';
import { PayloadStore } from './adapter.ts';
import { ClientRegistry } from './clients.ts';
import { SigningKeyStore } from './keys.ts';
import { KeyRotation } from './key-rotation.ts';
import { buildProvider, endpointsOf, introspectionAllowed } from './provider.ts';
import { mountProvider } from './mount.ts';
import { registerIntrospection } from './introspection.ts';
import { Interactions } from './interactions.ts';
import { requestSessionBinding } from './session-binding.ts';
import { inTransaction } from '../../db/transaction.ts';
import { recordEvent } from '../../admin/audit.ts';
import type { OidcService } from './service.ts';

export type { OidcService, OidcEndpointUrls } from './service.ts';
export type { InteractionDetails, InteractionError, LoginResult } from './interactions.ts';
export type { ClientChanges, ClientRecord, LaunchableClient, NewClientInput } from './clients.ts';
export type { StoredGrant } from './adapter.ts';
export { OidcError, type OidcErrorCode } from './errors.ts';
export { OIDC_ROUTES } from './provider.ts';

export async function createOidc(ctx: AppContext, deps: { identity: IdentityService }): Promise<Domain<OidcService>> {
  const { platform } = ctx;
  const logger = ctx.logger.child({ component: 'oidc' });
  const oidc = await loadOidcProvider(logger);
  const binding = requestSessionBinding({ currentContext: () => oidc.Provider.ctx, identity: deps.identity });
  const store = new PayloadStore(platform.pool, oidc.errors.InvalidGrant, binding);
  const clients = new ClientRegistry({ pool: platform.pool, bus: platform.bus, logger });
  const keys = new SigningKeyStore({ pool: platform.pool, secrets: ctx.secrets, locks: platform.locks });
  // The provider is rebuilt whenever the key set changes (a key starts signing, or is published or dropped).
  const rotation = new KeyRotation({
    keys,
    bus: platform.bus,
    logger,
    build: (jwks) => buildProvider({ oidc, issuer: ctx.publicUrl, jwks, store, clients, identity: deps.identity, logger }),
  });
  const interactions = new Interactions({ provider: () => rotation.provider(), clients, identity: deps.identity });

  const service: OidcService = {
    interactionDetails: (request, reply) => interactions.details(request, reply),
    finishLogin: (request, reply, result) => interactions.finishLogin(request, reply, result),
    finishConsent: (request, reply) => interactions.finishConsent(request, reply),
    abortInteraction: (request, reply, error) => interactions.abort(request, reply, error),
    getClient: (clientId) => clients.get(clientId),
    listClients: (query) => clients.page(query),
    launchableClients: () => clients.launchable(),
    createClient: (input, by) => clients.create(input, by),
    updateClient: (clientId, changes, by) => clients.update(clientId, changes, by),
    setClientEnabled: (clientId, enabled, by) => clients.setEnabled(clientId, enabled, by),
    rotateClientSecret: (clientId, by) => clients.rotateSecret(clientId, by),
    deleteClient: (clientId, by) => clients.remove(clientId, by),
    endpoints: () => endpointsOf(rotation.provider()),
    consentsOf: (accountId) => store.grantsOf(accountId),
    async revokeConsent(accountId, clientId, event) {
      if (!event) return store.revokeGrantsOf(accountId, clientId);
      return inTransaction(platform.pool, async (db) => {
        const revoked = await store.revokeGrantsOf(accountId, clientId, db);
        if (revoked > 0) await recordEvent(db, event);
        return revoked;
      });
    },
    rotateSigningKeys: () => rotation.rotateNow(),
    reloadSigningKeys: () => rotation.reload(),
    signingKeys: () => rotation.states(),
  };

  return {
    name: 'oidc',
    service,
    async register(app) {
      await registerIntrospection(app, { provider: () => rotation.provider(), allowed: introspectionAllowed });
      await mountProvider(app, () => rotation.handler(), logger);
    },
    async start() {
      clients.start();
      await rotation.start();
    },
    async stop() {
      rotation.stop();
      clients.stop();
    },
  };
}
