// The LAN domain: HTTPS on the LAN with a local CA, so that phones and laptops trust Gatehouse and passkeys work
// (docs/lan.md). Its routes: the CA certificate download (public), the LAN status and the LAN settings saved for the
// next start (admin API). The listener itself is opened by serve.ts once the app listens on loopback (lanServiceOf),
// and its policy on the admin surface is applied in http/app.ts (listener-policy.ts).
import type { FastifyInstance } from 'fastify';
import type { AppContext, Domain } from '../appliance/context.ts';
import type { AdminService } from '../admin/index.ts';
import { LanService } from './service.ts';
import { caCertificateRoute } from './routes/ca-certificate.ts';
import { statusRoute } from './routes/status.ts';
import { savePreferencesRoute } from './routes/save-preferences.ts';
import { LanPreferencesStore, lanSetByConfig } from './preferences.ts';

export { LanService } from './service.ts';
export { lanUrl } from './lan-url.ts';

export function createLanDomain(ctx: AppContext, deps: { admin: AdminService }): Domain<LanService> {
  const service = new LanService({
    config: ctx.config.lan,
    pool: ctx.platform.pool,
    secrets: ctx.secrets,
    dataDir: ctx.dataDir,
    publicUrl: ctx.publicUrl,
    logger: ctx.logger.child({ component: 'lan' }),
  });
  const preferences = new LanPreferencesStore({ pool: ctx.platform.pool, running: ctx.config.lan, setByConfig: lanSetByConfig(ctx.config) });

  async function register(app: FastifyInstance): Promise<void> {
    await app.register(async (scope) => {
      caCertificateRoute(scope, service);
      await scope.register(async (api) => {
        // onRequest: a caller who may not use the API is refused before anything else.
        api.addHook('onRequest', deps.admin.guard);
        statusRoute(api, service, preferences);
        savePreferencesRoute(api, service, preferences, ctx.httpPort);
      });
    });
  }

  return {
    name: 'lan',
    service,
    register,
    async start() {
      await service.prepare();
    },
    async stop() {
      await service.stop();
    },
    readyInfo() {
      const url = service.url();
      return url ? { lanUrl: url } : {};
    },
  };
}

/** The LAN service among the domains, while LAN mode is on (serve.ts opens its listener after the app listens). */
export function lanServiceOf(domains: readonly Domain[]): LanService | null {
  const service = domains.find((domain) => domain.name === 'lan')?.service;
  return service instanceof LanService && service.enabled ? service : null;
}
