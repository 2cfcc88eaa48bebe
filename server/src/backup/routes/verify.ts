// POST /api/v1/backups/verify — a trial restore into a scratch schema, in the background.
import { fileActionBody } from '../schemas.ts';
import { startedBy, type BackupRoute } from './context.ts';

export const verifyRoute: BackupRoute = (api, service) => {
  api.post<{ Body: { file: string; passphrase: string } }>('/api/v1/backups/verify', { config: { scope: 'backups:write' }, schema: { tags: ['backups'], summary: 'Verify a backup file', body: fileActionBody } }, async (request, reply) => {
    const file = await service.resolveFile(request.body.file);
    const run = await service.startVerify({ file, passphrase: request.body.passphrase, by: startedBy(request) });
    return reply.status(202).send(run);
  });
};
