// The admin domain: the admin API under /api/v1 (an admin session or an API token; one folder per area, one file
// per endpoint), the user portal's API under /api/v1/me (any signed-in user), live updates over a WebSocket fed
// by the bus, the OpenAPI document of all of it at /api/v1/openapi.json, and API tokens.
import type { FastifyInstance } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifyWebsocket from '@fastify/websocket';
import type { AppContext, Domain } from '../appliance/context.ts';
import type { IdentityService } from '../identity/index.ts';
import type { OidcService } from '../providers/oidc/index.ts';
import type { FlowsService } from '../flows/index.ts';
import { bootstrapRoute, takeBootstrapDigest } from './bootstrap/route.ts';
import { registerExpiringTable } from '../platform/cleanup.ts';
import { adminGuard, userGuard } from './guard.ts';
import type { AdminDeps, RegisterRoutes } from './deps.ts';
import { LiveHub } from './live/hub.ts';
import { liveRoute } from './live/route.ts';
import { ApiTokenRepo } from './tokens/repo.ts';
import { registerUsersRoutes } from './users/routes.ts';
import { registerGroupsRoutes } from './groups/routes.ts';
import { registerApplicationsRoutes } from './applications/routes.ts';
import { registerSessionsRoutes } from './sessions/routes.ts';
import { registerEventsRoutes } from './events/routes.ts';
import { registerSettingsRoutes } from './settings/routes.ts';
import { registerBrandingRoutes } from './settings/public-routes.ts';
import { registerStatusRoutes } from './status/routes.ts';
import { registerTokensRoutes } from './tokens/routes.ts';
import { registerPortalRoutes } from '../portal/routes.ts';
import { openApiOptions } from './openapi.ts';
import { defineSignInHoursJob } from './status/sign-in-hours.ts';

export { recordEvent, EVENTS_TOPIC, type EventActor, type NewEvent } from './audit.ts';
export { actorOf } from './guard.ts';

// Revoked and expired tokens stay listed in events only; their rows go after 90 days (index api_tokens_token_sha256
// is no help here, but the table holds a handful of rows). Password-reset links go when they expire.
registerExpiringTable({ table: 'api_tokens', expiryCondition: "coalesce(revoked_at, expires_at) < now() - interval '90 days'", batchSize: 500 });
registerExpiringTable({ table: 'password_resets', expiryCondition: 'expires_at < now()', batchSize: 500 });

const ADMIN_AREAS: RegisterRoutes[] = [
  registerStatusRoutes,
  registerUsersRoutes,
  registerGroupsRoutes,
  registerApplicationsRoutes,
  registerSessionsRoutes,
  registerEventsRoutes,
  registerSettingsRoutes,
  registerTokensRoutes,
];

export interface AdminService {
  /** The onRequest hook of every admin route (the backup domain's too). */
  readonly guard: ReturnType<typeof adminGuard>;
  readonly hub: LiveHub;
}

export function createAdmin(ctx: AppContext, deps: { identity: IdentityService; oidc: OidcService; flows: FlowsService }): Domain<AdminService> {
  const tokens = new ApiTokenRepo(ctx.platform.pool);
  const hub = new LiveHub(ctx.platform.bus);
  const guard = adminGuard({ identity: deps.identity, tokens, publicUrl: ctx.publicUrl });
  const adminDeps: AdminDeps = { ctx, identity: deps.identity, oidc: deps.oidc, tokens, hub };
  // Read once at start and removed from the environment: the desktop shell's one-time sign-in.
  const bootstrapDigest = takeBootstrapDigest();

  async function register(app: FastifyInstance): Promise<void> {
    // At the root, so the document lists the routes of every domain registered after this one (backups too).
    await app.register(fastifySwagger, openApiOptions(ctx.publicUrl));
    app.get('/api/v1/openapi.json', { schema: { hide: true } as object }, async () => app.swagger());
    bootstrapRoute(app, { pool: ctx.platform.pool, identity: deps.identity, setupUrl: deps.flows.setupUrl }, bootstrapDigest);
    // Public: the sign-in pages show the instance's name and logo before anyone signs in.
    await registerBrandingRoutes(app, adminDeps);

    await app.register(async (api) => {
      await api.register(fastifyWebsocket, { options: { maxPayload: 1024 } });
      liveRoute(api, { hub, identity: deps.identity, publicUrl: ctx.publicUrl });

      await api.register(async (admin) => {
        // onRequest: a caller who may not use the API is refused before its body is read or validated.
        admin.addHook('onRequest', guard);
        for (const area of ADMIN_AREAS) await area(admin, adminDeps);
      });

      await api.register(async (portal) => {
        portal.addHook('onRequest', userGuard({ identity: deps.identity, publicUrl: ctx.publicUrl }));
        await registerPortalRoutes(portal, adminDeps);
      });
    });
  }

  return {
    name: 'admin',
    service: { guard, hub },
    register,
    async start() {
      hub.start();
    },
    async stop() {
      hub.stop();
    },
    defineJobs(jobs) {
      defineSignInHoursJob(jobs, ctx.platform.pool);
    },
  };
}
