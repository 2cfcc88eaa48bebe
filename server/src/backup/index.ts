// The backup domain: the admin API under /api/v1/backups (backup now, progress, files, upload, download, verify,
// restore, schedule) and the scheduled backup, a singleton job that looks every minute whether a run is due.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext, Domain } from '../appliance/context.ts';
import type { IdentityService } from '../identity/index.ts';
import { adminGuard } from '../admin/guard.ts';
import { errorHandler, HttpError } from '../http/errors.ts';
import { ApplianceError, errorMessage } from '../appliance/errors.ts';
import { readArchiveHeader, ArchiveError } from './archive.ts';
import { BackupError } from './errors.ts';
import { registerExpiringTable } from '../platform/cleanup.ts';
import { Transform } from 'node:stream';
import { BACKUP_EXTENSION, BackupService, type StartedBy } from './service.ts';
import type { BackupsView, ScheduleChange } from './schemas.ts';

export { BackupService } from './service.ts';

// The event log and the record of runs grow with use; kept a year and half a year (index events_occurred_at,
// backup_runs_started_at). A later settings page may make these configurable.
registerExpiringTable({ table: 'events', expiryCondition: "occurred_at < now() - interval '365 days'", batchSize: 5_000 });
registerExpiringTable({ table: 'backup_runs', expiryCondition: "started_at < now() - interval '180 days' AND status <> 'running'", batchSize: 1_000 });

export const SCHEDULE_JOB = 'backup.scheduled';
/** The largest backup the control UI accepts as an upload (the CLI restores any size from a path). */
export const MAX_UPLOAD_BYTES = 20 * 1024 ** 3;
/** An upload must leave this much free space: the database shares the disk. */
const UPLOAD_FREE_MARGIN_BYTES = 1024 ** 3;

function freeBytes(dir: string): number | null {
  try {
    const stats = fs.statfsSync(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return null;
  }
}

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

function startedBy(request: FastifyRequest): StartedBy {
  const session = request.adminSession!;
  return { actor: session.user.username, actorUserId: session.user.id, sourceAddress: request.ip, requestId: String(request.id) };
}

function passphraseOf(body: unknown): string {
  const passphrase = (body as { passphrase?: unknown } | null)?.passphrase;
  if (typeof passphrase !== 'string' || passphrase.length === 0) throw new HttpError(400, 'passphrase_missing', 'Give the backup passphrase.');
  if (passphrase.length > 1024) throw new HttpError(400, 'passphrase_too_long', 'A passphrase has at most 1024 characters.');
  return passphrase;
}

const fileBody = {
  type: 'object',
  required: ['file', 'passphrase'],
  additionalProperties: false,
  properties: { file: { type: 'string', minLength: 1, maxLength: 210 }, passphrase: { type: 'string', minLength: 1, maxLength: 1024 } },
} as const;

export function createBackupDomain(ctx: AppContext, deps: { identity: IdentityService }): Domain<BackupService> {
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
      api.addHook('onRequest', adminGuard(deps.identity, ctx.publicUrl));
      api.setErrorHandler((error, request, reply) => errorHandler(asHttpError(error) as HttpError, request, reply));

      api.get('/api/v1/backups', async (): Promise<BackupsView> => {
        const [runs, files, schedule] = await Promise.all([service.listRuns(20), service.listFiles(), service.getSchedule()]);
        return {
          runs,
          files: files.map(({ path: _path, ...file }) => file),
          schedule,
          backupsDir: service.backupsDir,
        };
      });

      api.post('/api/v1/backups', {
        schema: { body: { type: 'object', required: ['passphrase'], additionalProperties: false, properties: { passphrase: { type: 'string', minLength: 1, maxLength: 1024 } } } },
      }, async (request, reply) => {
        const run = await service.startBackup({ passphrase: passphraseOf(request.body), by: startedBy(request) });
        return reply.status(202).send(run);
      });

      api.get<{ Params: { id: string } }>('/api/v1/backups/runs/:id', {
        schema: { params: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } }, required: ['id'] } },
      }, async (request) => service.getRun(request.params.id));

      api.post<{ Body: { file: string; passphrase: string } }>('/api/v1/backups/verify', { schema: { body: fileBody } }, async (request, reply) => {
        const file = await service.resolveFile(request.body.file);
        const run = await service.startVerify({ file, passphrase: passphraseOf(request.body), by: startedBy(request) });
        return reply.status(202).send(run);
      });

      api.post<{ Body: { file: string; passphrase: string } }>('/api/v1/backups/restore', { schema: { body: fileBody } }, async (request, reply) => {
        const file = await service.resolveFile(request.body.file);
        const run = await service.startRestore({ file, passphrase: passphraseOf(request.body), by: startedBy(request) });
        return reply.status(202).send(run);
      });

      api.put('/api/v1/backups/schedule', {
        schema: {
          body: {
            type: 'object',
            additionalProperties: false,
            properties: {
              enabled: { type: 'boolean' },
              cron: { type: 'string', minLength: 1, maxLength: 200 },
              timeZone: { type: 'string', minLength: 1, maxLength: 100 },
              destination: { type: 'string', maxLength: 1000 },
              keepDaily: { type: 'integer', minimum: 0, maximum: 1000 },
              keepWeekly: { type: 'integer', minimum: 0, maximum: 1000 },
              passphrase: { type: 'string', minLength: 1, maxLength: 1024 },
            },
          },
        },
      }, async (request) => {
        const schedule = await service.setSchedule(request.body as ScheduleChange);
        const { passphrase: _secret, ...change } = request.body as Record<string, unknown>;
        await service.recordEvent('backup.schedule_changed', startedBy(request), { id: 'schedule' }, { ...change, passphraseChanged: 'passphrase' in (request.body as object) });
        return schedule;
      });

      api.get<{ Params: { name: string } }>('/api/v1/backups/files/:name', async (request, reply) => {
        const file = await service.resolveFile(request.params.name);
        return reply
          .header('content-type', 'application/octet-stream')
          .header('content-disposition', `attachment; filename="${path.basename(file)}"`)
          .header('content-length', fs.statSync(file).size)
          .send(fs.createReadStream(file));
      });

      // The browser sends the file as the request body (no multipart); it is streamed to disk, never held in memory.
      await api.register(async (upload) => {
        upload.removeAllContentTypeParsers();
        upload.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
        upload.post('/api/v1/backups/upload', async (request, reply) => {
          const dir = service.backupsDir;
          fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
          // Fastify does not count a streamed body against bodyLimit: the size is checked here, before and while writing.
          const declared = Number(request.headers['content-length'] ?? NaN);
          if (Number.isFinite(declared) && declared > MAX_UPLOAD_BYTES) {
            throw new HttpError(413, 'backup_too_large', `A backup upload may be at most ${MAX_UPLOAD_BYTES / 1024 ** 3} GiB. Restore a larger one with "gatehouse backup restore FILE" on the server.`);
          }
          const free = freeBytes(dir);
          if (Number.isFinite(declared) && free !== null && declared > free - UPLOAD_FREE_MARGIN_BYTES) {
            throw new HttpError(507, 'backup_no_space', `There is not enough free space in ${dir} for this file (it needs ${Math.ceil(declared / 1024 ** 2)} MiB and keeps 1 GiB free for the database). Free some space, or restore it with the CLI from another disk.`);
          }
          const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
          const name = `uploaded-${stamp}-${randomBytes(6).toString('hex')}${BACKUP_EXTENSION}`;
          const partial = path.join(dir, `.${name}.partial`);
          const final = path.join(dir, name);
          let received = 0;
          const limit = new Transform({
            transform(chunk: Buffer, _encoding, done) {
              received += chunk.length;
              if (received > MAX_UPLOAD_BYTES) done(new HttpError(413, 'backup_too_large', `A backup upload may be at most ${MAX_UPLOAD_BYTES / 1024 ** 3} GiB.`));
              else done(null, chunk);
            },
          });
          let created = false;
          try {
            const output = fs.createWriteStream(partial, { flags: 'wx', mode: 0o600 });
            output.once('open', () => (created = true));
            await pipeline(request.body as NodeJS.ReadableStream, limit, output);
            const header = await readArchiveHeader(partial);
            // Its name is claimed without replacing anything of that name.
            fs.linkSync(partial, final);
            fs.unlinkSync(partial);
            return reply.status(201).send({ name, size: fs.statSync(final).size, createdAt: header.createdAt, appVersion: header.appVersion });
          } catch (error) {
            if (created) fs.rmSync(partial, { force: true });
            if (error instanceof ArchiveError) throw new HttpError(400, error.code, error.message);
            throw error;
          }
        });
      });
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
