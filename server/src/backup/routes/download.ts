// GET /api/v1/backups/files/:name — a backup file of the list, as an attachment (only names the list holds).
import fs from 'node:fs';
import path from 'node:path';
import type { BackupRoute } from './context.ts';

export const downloadRoute: BackupRoute = (api, service) => {
  api.get<{ Params: { name: string } }>('/api/v1/backups/files/:name', { config: { scope: 'backups:read' }, schema: { tags: ['backups'], summary: 'Download a backup file' } }, async (request, reply) => {
    const file = await service.resolveFile(request.params.name);
    return reply
      .header('content-type', 'application/octet-stream')
      .header('content-disposition', `attachment; filename="${path.basename(file)}"`)
      .header('content-length', fs.statSync(file).size)
      .send(fs.createReadStream(file));
  });
};
