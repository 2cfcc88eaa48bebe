// POST /api/flow/interaction/:uid/identify {login} — the username or email; the answer asks for the password.
import type { FastifyInstance } from 'fastify';
import { IdentifyBody, InteractionParams } from '../schemas.ts';
import { INTERACTION_API } from './paths.ts';
import type { LoginFlows } from './service.ts';

export function identifyRoute(app: FastifyInstance, flows: LoginFlows): void {
  app.post<{ Params: InteractionParams; Body: IdentifyBody }>(`${INTERACTION_API}/:uid/identify`, { schema: { params: InteractionParams, body: IdentifyBody } }, (request, reply) =>
    flows.identify(request, reply, request.params.uid, request.body.login),
  );
}
