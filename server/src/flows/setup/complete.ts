// POST /api/flow/setup {token, username, email, password} — creates the first admin (once) and signs them in.
import type { FastifyInstance } from 'fastify';
import type { RateLimiter } from '../../platform/rate-limit.ts';
import { assertSameOrigin } from '../request-guards.ts';
import { SetupBody } from '../schemas.ts';
import { SETUP_LIMIT, setupAddressKey, throttle } from '../throttle.ts';
import type { FirstAdminSetup } from './service.ts';

export function setupCompleteRoute(app: FastifyInstance, setup: FirstAdminSetup, deps: { origin: string; rateLimiter: RateLimiter }): void {
  app.post<{ Body: SetupBody }>('/api/flow/setup', { schema: { body: SetupBody } }, async (request, reply) => {
    // The one-time token in the body is what a forged request lacks; the origin check refuses one anyway.
    assertSameOrigin(request, deps.origin);
    await throttle(deps.rateLimiter, reply, setupAddressKey(request.ip), SETUP_LIMIT);
    return setup.complete(request, reply, request.body);
  });
}
