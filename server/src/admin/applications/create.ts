// POST /api/v1/applications — registers an application; its client secret is in this answer and never again.
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../guard.ts';
import { ErrorAnswer, GUARDED_ERRORS } from '../common-schemas.ts';
import { CreateApplicationBody, CreatedApplication } from './schemas.ts';
import type { ApplicationsService } from './service.ts';

export function createApplicationRoute(api: FastifyInstance, service: ApplicationsService): void {
  api.post<{ Body: CreateApplicationBody }>(
    '/api/v1/applications',
    {
      config: { scope: 'applications:write' },
      schema: {
        tags: ['applications'],
        summary: 'Register an application',
        description: 'The answer holds the client secret (null for a public application): it is shown this once.',
        body: CreateApplicationBody,
        response: { 201: CreatedApplication, ...GUARDED_ERRORS, 409: ErrorAnswer },
      },
    },
    async (request, reply) => reply.status(201).send(await service.create(request.body, actorOf(request))),
  );
}
