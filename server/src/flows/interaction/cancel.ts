// POST /api/flow/interaction/:uid/cancel — the user gives up; the app gets access_denied.
import type { FastifyInstance } from 'fastify';
import { EmptyBody, InteractionParams } from '../schemas.ts';
import { INTERACTION_API } from './paths.ts';
import type { LoginFlows } from './service.ts';

export function cancelRoute(app: FastifyInstance, flows: LoginFlows): void {
  app.post<{ Params: InteractionParams }>(`${INTERACTION_API}/:uid/cancel`, { schema: { params: InteractionParams, body: EmptyBody } }, (request, reply) =>
    flows.cancel(request, reply, request.params.uid),
  );
}
