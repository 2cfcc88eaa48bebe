// The dashboard: this instance, its database and connections, the URLs apps use, counts, backups, and sign-ins.
import type { AppContext } from '../../appliance/context.ts';
import { VERSION } from '../../appliance/paths.ts';
import { OIDC_ROUTES } from '../../providers/oidc/provider.ts';
import type { BucketUnit, StatusRepo } from './repo.ts';
import type { LoginsChart, LoginsQuery, StatusView } from './schemas.ts';

type Range = NonNullable<LoginsQuery['range']>;

/** Hourly buckets for a day, daily ones for a week or a month. */
const RANGES: Record<Range, { unit: BucketUnit; count: number; bucketSeconds: number }> = {
  '24h': { unit: 'hour', count: 24, bucketSeconds: 3600 },
  '7d': { unit: 'day', count: 7, bucketSeconds: 86_400 },
  '30d': { unit: 'day', count: 30, bucketSeconds: 86_400 },
};

export class StatusService {
  constructor(
    private readonly ctx: AppContext,
    private readonly repo: StatusRepo,
  ) {}

  async status(): Promise<StatusView> {
    const { platform, publicUrl } = this.ctx;
    const facts = await this.repo.facts();
    // The server process started Gatehouse (serve, or the desktop app's server child): its uptime is Gatehouse's.
    const uptimeSeconds = Math.floor(process.uptime());
    return {
      version: VERSION,
      instanceId: platform.instanceId,
      startedAt: new Date(Date.now() - uptimeSeconds * 1000).toISOString(),
      uptimeSeconds,
      database: {
        mode: this.ctx.config.database.url ? 'external' : 'embedded',
        version: facts.serverVersion,
        sizeBytes: facts.sizeBytes,
        connectionsInUse: connectionsCheckedOut(platform),
        connectionsOpen: platform.connectionsInUse(),
        connectionBudget: platform.budget.total,
        connectionsAllInstances: facts.connectionsAllInstances,
        maxConnections: facts.maxConnections,
      },
      urls: {
        publicUrl,
        controlUi: `${publicUrl}/admin`,
        portal: `${publicUrl}/`,
        issuer: publicUrl,
        // OIDC Discovery 1.0 §4: the configuration is at the issuer + /.well-known/openid-configuration.
        discovery: `${publicUrl}/.well-known/openid-configuration`,
        jwks: `${publicUrl}${OIDC_ROUTES.jwks}`,
      },
      counts: { users: facts.users, groups: facts.groups, applications: facts.applications, activeSessions: facts.activeSessions },
      backups: { lastSucceededAt: facts.lastBackupSucceededAt?.toISOString() ?? null, lastFailedAt: facts.lastBackupFailedAt?.toISOString() ?? null },
    };
  }

  async logins(range: Range): Promise<LoginsChart> {
    const { unit, count, bucketSeconds } = RANGES[range];
    const buckets = await this.repo.logins(unit, count);
    return { range, bucketSeconds, buckets: buckets.map((bucket) => ({ start: bucket.start.toISOString(), succeeded: bucket.succeeded, failed: bucket.failed })) };
  }
}

/** Connections doing something now: pool clients checked out, and the direct ones (bus listener, locks), always busy. */
function connectionsCheckedOut(platform: AppContext['platform']): number {
  const busy = (pool: { totalCount: number; idleCount: number }) => pool.totalCount - pool.idleCount;
  return busy(platform.pool) + busy(platform.jobsPool) + platform.direct.count();
}
