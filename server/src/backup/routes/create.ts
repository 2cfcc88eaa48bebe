// POST /api/v1/backups — back up now, in the background: 202 with the run, whose progress GET …/runs/:id shows.
import { createBackupBody } from '../schemas.ts';
import { startedBy, type BackupRoute } from './context.ts';

export const createRoute: BackupRoute = (api, service) => {
  api.post<{ Body: { passphrase: string } }>('/api/v1/backups', { config: { scope: 'backups:write' }, schema: { tags: ['backups'], summary: 'Back up now', body: createBackupBody } }, async (request, reply) => {
    const run = await service.startBackup({ passphrase: request.body.passphrase, by: startedBy(request) });
    return reply.status(202).send(run);
  });
};
