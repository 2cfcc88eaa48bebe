// POST /api/v1/backups/restore — replaces all data with a backup's, in the background (the page asks to confirm).
import { fileActionBody } from '../schemas.ts';
import { startedBy, type BackupRoute } from './context.ts';

export const restoreRoute: BackupRoute = (api, service) => {
  api.post<{ Body: { file: string; passphrase: string } }>('/api/v1/backups/restore', { config: { scope: 'backups:write' }, schema: { tags: ['backups'], summary: 'Restore a backup file', body: fileActionBody } }, async (request, reply) => {
    const file = await service.resolveFile(request.body.file);
    const run = await service.startRestore({ file, passphrase: request.body.passphrase, by: startedBy(request) });
    return reply.status(202).send(run);
  });
};
