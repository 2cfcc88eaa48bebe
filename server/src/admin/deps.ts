// What every admin and portal route module gets. Each area (users, groups…) builds its own service from these in
// its routes.ts, so adding an area touches only its folder and one line in index.ts.
import type { AppContext } from '../appliance/context.ts';
import type { IdentityService } from '../identity/index.ts';
import type { OidcService } from '../providers/oidc/index.ts';
import type { LiveHub } from './live/hub.ts';
import type { ApiTokenRepo } from './tokens/repo.ts';

export interface AdminDeps {
  ctx: AppContext;
  identity: IdentityService;
  oidc: OidcService;
  tokens: ApiTokenRepo;
  hub: LiveHub;
}

/** An area's routes, registered inside the guarded /api/v1 plugin. */
export type RegisterRoutes = (api: import('fastify').FastifyInstance, deps: AdminDeps) => void | Promise<void>;
