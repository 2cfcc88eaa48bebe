// The flows domain: the login flow of OIDC interactions (identify → password → consent), the direct sign-in to
// Gatehouse, password-reset links, the first-admin setup, the signed-in page's session API, and the browser pages
// that drive them (built from renderer/).
import type { FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import type { AppContext, Domain } from '../appliance/context.ts';
import type { IdentityService } from '../identity/index.ts';
import type { OidcService } from '../providers/oidc/index.ts';
import { registerRenderer } from '../http/static.ts';
import { createBrowserBinding } from './browser-binding.ts';
import { FlowRepo, SetupRepo } from './repo.ts';
import { LoginFlows } from './interaction/service.ts';
import { INTERACTION_PAGE } from './interaction/paths.ts';
import { stateRoute } from './interaction/state.ts';
import { identifyRoute } from './interaction/identify.ts';
import { passwordRoute } from './interaction/password.ts';
import { restartRoute } from './interaction/restart.ts';
import { continueRoute } from './interaction/continue.ts';
import { consentRoute } from './interaction/consent.ts';
import { cancelRoute } from './interaction/cancel.ts';
import { FirstAdminSetup } from './setup/service.ts';
import { setupStateRoute } from './setup/state.ts';
import { setupCompleteRoute } from './setup/complete.ts';
import { currentSessionRoute } from './session/current.ts';
import { signOutRoute } from './session/sign-out.ts';
import { PasswordSignIn } from './login/password-sign-in.ts';
import { DirectSignIn } from './login/service.ts';
import { loginRoute } from './login/login.ts';
import { PasswordResetFlow } from './reset/service.ts';
import { resetStateRoute } from './reset/state.ts';
import { resetCompleteRoute } from './reset/complete.ts';

/** The browser pages this domain serves (index.html of the renderer build); any other path is not a page. */
export const PAGE_ROUTES = [
  '/', '/login', '/setup', '/reset', `${INTERACTION_PAGE}/:uid`, '/api/docs',
  '/admin', '/admin/users', '/admin/users/:id', '/admin/groups', '/admin/groups/:id', '/admin/applications', '/admin/applications/:id',
  '/admin/sessions', '/admin/events', '/admin/settings', '/admin/tokens', '/admin/backups',
] as const;

export interface FlowsService {
  /** The one-time first-admin link made at start, while setup is open. */
  setupUrl(): string | null;
}

export function createFlows(ctx: AppContext, deps: { identity: IdentityService; oidc: OidcService }): Domain<FlowsService> {
  const { platform, logger } = ctx;
  const origin = new URL(ctx.publicUrl).origin;
  const log = logger.child({ component: 'flows' });
  const signIn = new PasswordSignIn({ identity: deps.identity, rateLimiter: platform.rateLimiter, db: platform.pool, logger: log });
  const login = new LoginFlows({
    repo: new FlowRepo(platform.pool),
    identity: deps.identity,
    provider: deps.oidc,
    signIn,
    binding: createBrowserBinding(ctx.publicUrl),
    origin,
    logger: log,
  });
  const directSignIn = new DirectSignIn({ identity: deps.identity, signIn, origin });
  const reset = new PasswordResetFlow({ identity: deps.identity, signIn, rateLimiter: platform.rateLimiter, origin });
  const setup = new FirstAdminSetup({ repo: new SetupRepo(platform.pool), locks: platform.locks, identity: deps.identity, publicUrl: ctx.publicUrl, logger: log });

  async function routes(app: FastifyInstance): Promise<void> {
    if (!app.hasRequestDecorator('cookies')) await app.register(fastifyCookie);
    stateRoute(app, login);
    identifyRoute(app, login);
    passwordRoute(app, login);
    restartRoute(app, login);
    continueRoute(app, login);
    consentRoute(app, login);
    cancelRoute(app, login);
    setupStateRoute(app, setup, deps.identity);
    setupCompleteRoute(app, setup, { origin, rateLimiter: platform.rateLimiter });
    currentSessionRoute(app, deps.identity);
    signOutRoute(app, deps.identity, { origin, pool: platform.pool });
    loginRoute(app, directSignIn);
    resetStateRoute(app, reset);
    resetCompleteRoute(app, reset);
    await registerRenderer(app, { pages: PAGE_ROUTES });
  }

  return {
    name: 'flows',
    service: { setupUrl: () => setup.setupUrl() },
    async register(app) {
      await app.register(routes);
    },
    async start() {
      await setup.open();
    },
    readyInfo() {
      const setupUrl = setup.setupUrl();
      return setupUrl ? { setupUrl } : {};
    },
  };
}
