// POST /api/flow/interaction/:uid/restart — "use another account": back to identification.
import type { FastifyInstance } from 'fastify';
import { EmptyBody, InteractionParams } from '../schemas.ts';
import { INTERACTION_API } from './paths.ts';
import type { LoginFlows } from './service.ts';

export function restartRoute(app: FastifyInstance, flows: LoginFlows): void {
  app.post<{ Params: InteractionParams }>(`${INTERACTION_API}/:uid/restart`, { schema: { params: InteractionParams, body: EmptyBody } }, (request, reply) =>
    flows.restart(request, reply, request.params.uid),
  );
}
