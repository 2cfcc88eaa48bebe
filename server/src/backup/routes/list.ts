// GET /api/v1/backups — recent runs, backup files (without their paths on the server), the schedule.
import type { BackupsView } from '../schemas.ts';
import type { BackupRoute } from './context.ts';

export const listRoute: BackupRoute = (api, service) => {
  api.get('/api/v1/backups', { config: { scope: 'backups:read' }, schema: { tags: ['backups'], summary: 'Backup files, schedule and recent runs' } }, async (): Promise<BackupsView> => {
    const [runs, files, schedule] = await Promise.all([service.listRuns(20), service.listFiles(), service.getSchedule()]);
    return { runs, files: files.map(({ path: _path, ...file }) => file), schedule, backupsDir: service.backupsDir };
  });
};
