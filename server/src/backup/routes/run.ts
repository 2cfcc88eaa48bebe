// GET /api/v1/backups/runs/:id — a run's phase, progress and result.
import { runParams } from '../schemas.ts';
import type { BackupRoute } from './context.ts';

export const runRoute: BackupRoute = (api, service) => {
  api.get<{ Params: { id: string } }>('/api/v1/backups/runs/:id', { config: { scope: 'backups:read' }, schema: { tags: ['backups'], summary: 'A run and its progress', params: runParams } }, async (request) => service.getRun(request.params.id));
};
