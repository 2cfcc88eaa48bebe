// POST /api/flow/login {login, password, next?} — signs in to Gatehouse (throttled); answers where to go next.
import type { FastifyInstance } from 'fastify';
import { LoginBody, type LoginDone } from '../schemas.ts';
import type { DirectSignIn } from './service.ts';

export function loginRoute(app: FastifyInstance, signIn: DirectSignIn): void {
  app.post<{ Body: LoginBody }>('/api/flow/login', { schema: { body: LoginBody } }, (request, reply): Promise<LoginDone> => signIn.signIn(request, reply, request.body));
}
