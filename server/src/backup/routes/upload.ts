// POST /api/v1/backups/upload — a backup file sent as the raw request body (no multipart), streamed to the backups
// folder under a new name, never held in memory. Refused past MAX_UPLOAD_BYTES or the disk's free space, and when
// it is not a Gatehouse backup; nothing is left behind then.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ArchiveError, readArchiveHeader } from '../archive.ts';
import { HttpError } from '../../http/errors.ts';
import { BACKUP_EXTENSION } from '../service.ts';
import type { UploadedBackup } from '../schemas.ts';
import type { BackupRoute } from './context.ts';

/** The largest backup the control UI accepts as an upload (the CLI restores any size from a path). */
export const MAX_UPLOAD_BYTES = 20 * 1024 ** 3;
/** An upload must leave this much free space: the database shares the disk. */
const FREE_MARGIN_BYTES = 1024 ** 3;

const tooLarge = () =>
  new HttpError(413, 'backup_too_large', `A backup upload may be at most ${MAX_UPLOAD_BYTES / 1024 ** 3} GiB. Restore a larger one with "gatehouse backup restore FILE" on the server.`);

function freeBytes(dir: string): number | null {
  try {
    const stats = fs.statfsSync(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return null;
  }
}

export const uploadRoute: BackupRoute = (api, service) => {
  // Its own plugin: only this route takes any content type, as a stream.
  void api.register(async (upload) => {
    upload.removeAllContentTypeParsers();
    upload.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    upload.post('/api/v1/backups/upload', { schema: { tags: ['backups'], summary: 'Upload a backup file (raw body; a signed-in admin only, as it exists to be restored)' } }, async (request, reply) => {
      const dir = service.backupsDir;
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      // Fastify does not count a streamed body against bodyLimit: the size is checked here, before and while writing.
      const declared = Number(request.headers['content-length'] ?? NaN);
      if (Number.isFinite(declared) && declared > MAX_UPLOAD_BYTES) throw tooLarge();
      const free = freeBytes(dir);
      if (Number.isFinite(declared) && free !== null && declared > free - FREE_MARGIN_BYTES) {
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
          if (received > MAX_UPLOAD_BYTES) done(tooLarge());
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
        const answer: UploadedBackup = { name, size: fs.statSync(final).size, createdAt: header.createdAt, appVersion: header.appVersion };
        return reply.status(201).send(answer);
      } catch (error) {
        if (created) fs.rmSync(partial, { force: true });
        if (error instanceof ArchiveError) throw new HttpError(400, error.code, error.message);
        throw error;
      }
    });
  });
};
