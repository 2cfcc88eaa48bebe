// GET /healthz: the process is alive. GET /readyz: every part needed to serve is ready, and which one is not.
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { currentVersion } from '../db/migrate.ts';

export interface ReadinessDeps {
  pool: pg.Pool;
  expectedSchemaVersion: string;
  jobsAlive: () => boolean;
  busConnected: () => boolean;
}

interface Check {
  ok: boolean;
  detail?: string;
}

const CHECK_TIMEOUT_MS = 2_000;

export async function readiness(deps: ReadinessDeps): Promise<{ ready: boolean; checks: Record<string, Check> }> {
  const checks: Record<string, Check> = {};
  try {
    const version = await withTimeout(
      (async () => {
        const client = await deps.pool.connect();
        try {
          return await currentVersion(client);
        } finally {
          client.release();
        }
      })(),
      CHECK_TIMEOUT_MS,
    );
    checks.database = { ok: true };
    checks.migrations = version === deps.expectedSchemaVersion ? { ok: true } : { ok: false, detail: `schema is at ${version ?? 'nothing'}, this version needs ${deps.expectedSchemaVersion}` };
  } catch (error) {
    checks.database = { ok: false, detail: `database unreachable: ${(error as Error).message}` };
    checks.migrations = { ok: false, detail: 'unknown while the database is unreachable' };
  }
  checks.jobs = deps.jobsAlive() ? { ok: true } : { ok: false, detail: 'the job runner is not running' };
  checks.bus = deps.busConnected() ? { ok: true } : { ok: false, detail: 'the bus listener is reconnecting' };
  return { ready: Object.values(checks).every((c) => c.ok), checks };
}

export function registerHealth(app: FastifyInstance, deps: ReadinessDeps): void {
  app.get('/healthz', async () => ({ status: 'alive' }));
  app.get('/readyz', async (_request, reply) => {
    const { ready, checks } = await readiness(deps);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });
}
