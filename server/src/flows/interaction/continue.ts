// POST /api/flow/interaction/:uid/continue — completes the login with the browser's Gatehouse session.
import type { FastifyInstance } from 'fastify';
import { EmptyBody, InteractionParams } from '../schemas.ts';
import { INTERACTION_API } from './paths.ts';
import type { LoginFlows } from './service.ts';

export function continueRoute(app: FastifyInstance, flows: LoginFlows): void {
  app.post<{ Params: InteractionParams }>(`${INTERACTION_API}/:uid/continue`, { schema: { params: InteractionParams, body: EmptyBody } }, (request, reply) =>
    flows.continueWithSession(request, reply, request.params.uid),
  );
}
