// PUT /api/v1/backups/schedule — when, where, how many, and the passphrase (stored sealed, never returned).
import { scheduleBody, type ScheduleChange } from '../schemas.ts';
import { startedBy, type BackupRoute } from './context.ts';

export const scheduleRoute: BackupRoute = (api, service) => {
  api.put<{ Body: ScheduleChange }>('/api/v1/backups/schedule', { config: { scope: 'backups:write' }, schema: { tags: ['backups'], summary: 'Change the backup schedule', body: scheduleBody } }, async (request) => {
    const schedule = await service.setSchedule(request.body);
    const { passphrase: _secret, ...change } = request.body;
    await service.recordEvent('backup.schedule_changed', startedBy(request), { id: 'schedule' }, { ...change, passphraseChanged: _secret !== undefined });
    return schedule;
  });
};
