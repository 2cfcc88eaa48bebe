// POST /api/v1/backups/restore — replaces all data with a backup's, in the background (the page asks to confirm).
// No token scope: a restore replaces every user and secret, so a token could make itself an admin through one
// (restoring a backup made elsewhere). Only an admin signed in to the control UI may restore.
import { fileActionBody } from '../schemas.ts';
import { startedBy, type BackupRoute } from './context.ts';

export const restoreRoute: BackupRoute = (api, service) => {
  api.post<{ Body: { file: string; passphrase: string } }>('/api/v1/backups/restore', { schema: { tags: ['backups'], summary: 'Restore a backup file (a signed-in admin only)', body: fileActionBody } }, async (request, reply) => {
    const file = await service.resolveFile(request.body.file);
    const run = await service.startRestore({ file, passphrase: request.body.passphrase, by: startedBy(request) });
    return reply.status(202).send(run);
  });
};
