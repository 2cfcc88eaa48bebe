// GET /api/v1/events/types — the event types Gatehouse writes (for the events page's filter).
import type { FastifyInstance } from 'fastify';
import { GUARDED_ERRORS } from '../common-schemas.ts';
import { EventTypes } from './schemas.ts';
import { EVENT_TYPES } from './types.ts';

export function listEventTypesRoute(api: FastifyInstance): void {
  api.get(
    '/api/v1/events/types',
    { config: { scope: 'events:read' }, schema: { tags: ['events'], summary: 'List the event types Gatehouse writes', response: { 200: EventTypes, ...GUARDED_ERRORS } } },
    async (): Promise<EventTypes> => ({ types: [...EVENT_TYPES] }),
  );
}
