// What every backup route gets, and the two helpers they share: who is asking, and their passphrase.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BackupService, StartedBy } from '../service.ts';

export type BackupRoute = (api: FastifyInstance, service: BackupService) => void;

/** The admin the guard let in, as runs and events record them. */
export function startedBy(request: FastifyRequest): StartedBy {
  const session = request.adminSession!;
  return { actor: session.user.username, actorUserId: session.user.id, sourceAddress: request.ip, requestId: String(request.id) };
}
