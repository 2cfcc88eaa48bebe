// What every backup route gets, and the two helpers they share: who is asking, and their passphrase.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BackupService, StartedBy } from '../service.ts';
import { actorOf } from '../../admin/guard.ts';

export type BackupRoute = (api: FastifyInstance, service: BackupService) => void;

/** The admin (or API token) the guard let in, as runs and events record them. */
export function startedBy(request: FastifyRequest): StartedBy {
  return actorOf(request);
}
