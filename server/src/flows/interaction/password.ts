// POST /api/flow/interaction/:uid/password {password} — checks it (throttled); right: on to the app.
import type { FastifyInstance } from 'fastify';
import { InteractionParams, PasswordBody } from '../schemas.ts';
import { INTERACTION_API } from './paths.ts';
import type { LoginFlows } from './service.ts';

export function passwordRoute(app: FastifyInstance, flows: LoginFlows): void {
  app.post<{ Params: InteractionParams; Body: PasswordBody }>(`${INTERACTION_API}/:uid/password`, { schema: { params: InteractionParams, body: PasswordBody } }, (request, reply) =>
    flows.password(request, reply, request.params.uid, request.body.password),
  );
}
