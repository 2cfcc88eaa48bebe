// GET /api/v1/backups/runs/:id — a run's phase, progress and result.
import { runParams } from '../schemas.ts';
import type { BackupRoute } from './context.ts';

export const runRoute: BackupRoute = (api, service) => {
  api.get<{ Params: { id: string } }>('/api/v1/backups/runs/:id', { schema: { params: runParams } }, async (request) => service.getRun(request.params.id));
};
