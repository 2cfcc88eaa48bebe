// POST /api/flow/interaction/:uid/consent {decision: allow|deny} — the user's answer to what the app asks for.
import type { FastifyInstance } from 'fastify';
import { ConsentBody, InteractionParams } from '../schemas.ts';
import { INTERACTION_API } from './paths.ts';
import type { LoginFlows } from './service.ts';

export function consentRoute(app: FastifyInstance, flows: LoginFlows): void {
  app.post<{ Params: InteractionParams; Body: ConsentBody }>(`${INTERACTION_API}/:uid/consent`, { schema: { params: InteractionParams, body: ConsentBody } }, (request, reply) =>
    flows.consent(request, reply, request.params.uid, request.body.decision),
  );
}
