// GET /api/flow/interaction/:uid — where this browser's sign-in stands (made on first sight).
import type { FastifyInstance } from 'fastify';
import { InteractionParams } from '../schemas.ts';
import { INTERACTION_API } from './paths.ts';
import type { LoginFlows } from './service.ts';

export function stateRoute(app: FastifyInstance, flows: LoginFlows): void {
  app.get<{ Params: InteractionParams }>(`${INTERACTION_API}/:uid`, { schema: { params: InteractionParams } }, (request, reply) =>
    flows.view(request, reply, request.params.uid),
  );
}
