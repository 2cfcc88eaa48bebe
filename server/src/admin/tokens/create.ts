// POST /api/v1/tokens — a new API token; the answer carries its secret, shown this once. Admin session only.
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../guard.ts';
import { GUARDED_ERRORS } from '../common-schemas.ts';
import { CreatedToken, CreateTokenBody } from './schemas.ts';
import type { TokensAdmin } from './service.ts';

export function createTokenRoute(api: FastifyInstance, tokens: TokensAdmin): void {
  api.post<{ Body: CreateTokenBody }>(
    '/api/v1/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token',
        description: 'Needs an admin signed in to the control UI; API tokens are refused. The secret is in this answer only.',
        body: CreateTokenBody,
        response: { 201: CreatedToken, ...GUARDED_ERRORS },
      },
    },
    // No route scope: the guard let only a signed-in admin in, so adminSession is set.
    async (request, reply) => reply.status(201).send(await tokens.create(request.body, request.adminSession!.user.id, actorOf(request))),
  );
}
