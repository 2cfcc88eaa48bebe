// The backup domain: the admin API under /api/v1/backups (one file per endpoint in routes/) and the scheduled
// backup, a singleton job that looks every minute whether a run is due.
import type { FastifyInstance } from 'fastify';
import type { AppContext, Domain } from '../appliance/context.ts';
import type { AdminService } from '../admin/index.ts';
import { errorHandler, HttpError } from '../http/errors.ts';
import { errorMessage, type ApplianceError } from '../appliance/errors.ts';
import { registerExpiringTable } from '../platform/cleanup.ts';
import { ArchiveError } from './archive.ts';
import { BackupError } from './errors.ts';
import { BackupService } from './service.ts';
import { createRoute } from './routes/create.ts';
import { downloadRoute } from './routes/download.ts';
import { listRoute } from './routes/list.ts';
import { restoreRoute } from './routes/restore.ts';
import { runRoute } from './routes/run.ts';
import { scheduleRoute } from './routes/schedule.ts';
import { uploadRoute } from './routes/upload.ts';
import { verifyRoute } from './routes/verify.ts';

export { BackupService } from './service.ts';
export { MAX_UPLOAD_BYTES } from './routes/upload.ts';

// The event log and the record of runs grow with use; kept a year and half a year (index events_occurred_at,
// backup_runs_started_at). A later settings page may make these configurable.
registerExpiringTable({ table: 'events', expiryCondition: "occurred_at < now() - interval '365 days'", batchSize: 5_000 });
registerExpiringTable({ table: 'backup_runs', expiryCondition: "started_at < now() - interval '180 days' AND status <> 'running'", batchSize: 1_000 });

export const SCHEDULE_JOB = 'backup.scheduled';

const ROUTES = [listRoute, createRoute, runRoute, verifyRoute, restoreRoute, scheduleRoute, downloadRoute, uploadRoute];

/** Errors of backups as HTTP answers: the caller's mistakes are 4xx with the message, the rest is left to the handler. */
function asHttpError(error: unknown): unknown {
  if (error instanceof BackupError) {
    if (error.code === 'backup_busy') return new HttpError(409, error.code, error.message);
    if (error.code === 'backup_run_not_found' || error.code === 'backup_file_missing') return new HttpError(404, error.code, error.message);
    if (error.isInvalidInput) return new HttpError(400, error.code, error.message);
  }
  if (error instanceof ArchiveError) return new HttpError(400, error.code, error.message);
  return error;
}

export function createBackupDomain(ctx: AppContext, deps: { admin: AdminService }): Domain<BackupService> {
  const service = new BackupService({
    pool: ctx.platform.pool,
    secrets: ctx.secrets,
    dataDir: ctx.dataDir,
    instanceId: ctx.platform.instanceId,
    logger: ctx.logger.child({ component: 'backup' }),
  });

  async function register(app: FastifyInstance): Promise<void> {
    await app.register(async (api) => {
      // onRequest: a caller who may not use the API is refused before its body is read or validated.
      api.addHook('onRequest', deps.admin.guard);
      api.setErrorHandler((error, request, reply) => errorHandler(asHttpError(error) as HttpError, request, reply));
      for (const route of ROUTES) route(api, service);
    });
  }

  return {
    name: 'backup',
    service,
    register,
    async start() {
      service.cleanLeftovers();
    },
    async stop() {
      // A running backup stops at its next table; its partial file is removed.
      await service.stop();
    },
    defineJobs(jobs) {
      jobs.define({
        name: SCHEDULE_JOB,
        singleton: true,
        maxAttempts: 1,
        handler: async (_payload, job) => {
          try {
            await service.runScheduledIfDue();
          } catch (error) {
            // The run itself records its failure (run row + event); this is a failure before it could start.
            job.logger.error({ err: { message: errorMessage(error), code: (error as ApplianceError).code } }, 'the scheduled backup could not start');
            await service.recordEvent('backup.backup_failed', { actor: 'scheduler' }, { id: 'schedule' }, { error: errorMessage(error) }).catch(() => undefined);
          }
        },
      });
      jobs.schedule(SCHEDULE_JOB, '* * * * *');
    },
  };
}
