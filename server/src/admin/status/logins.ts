// GET /api/v1/status/logins?range=24h|7d|30d — sign-ins succeeded and failed per hour (24h) or day (7d, 30d).
import type { FastifyInstance } from 'fastify';
import { GUARDED_ERRORS } from '../common-schemas.ts';
import { LoginsChart, LoginsQuery } from './schemas.ts';
import type { StatusService } from './service.ts';

export function loginsChartRoute(api: FastifyInstance, service: StatusService): void {
  api.get<{ Querystring: LoginsQuery }>(
    '/api/v1/status/logins',
    {
      config: { scope: 'status:read' },
      schema: {
        tags: ['status'],
        summary: 'Count sign-ins per hour or day',
        description: 'Buckets are whole UTC hours (24h) or days (7d, 30d), oldest first; the last one holds now and is still filling.',
        querystring: LoginsQuery,
        response: { 200: LoginsChart, ...GUARDED_ERRORS },
      },
    },
    (request) => service.logins(request.query.range ?? '24h'),
  );
}
