// GET /api/v1/status — the dashboard's facts: version, uptime, database and connections, URLs, counts, backups.
import type { FastifyInstance } from 'fastify';
import { GUARDED_ERRORS } from '../common-schemas.ts';
import { StatusView } from './schemas.ts';
import type { StatusService } from './service.ts';

export function getStatusRoute(api: FastifyInstance, service: StatusService): void {
  api.get(
    '/api/v1/status',
    { config: { scope: 'status:read' }, schema: { tags: ['status'], summary: 'Show the status of this instance and its database', response: { 200: StatusView, ...GUARDED_ERRORS } } },
    () => service.status(),
  );
}
