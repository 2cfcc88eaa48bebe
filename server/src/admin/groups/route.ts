// What every groups route gets, and the error answers they share besides the guard's.
import type { FastifyInstance } from 'fastify';
import { ErrorAnswer, GUARDED_ERRORS } from '../common-schemas.ts';
import type { GroupsAdmin } from './service.ts';

export type GroupsRoute = (api: FastifyInstance, groups: GroupsAdmin) => void;

/** No such group (or user), and a name taken. */
export const GROUP_ERRORS = { ...GUARDED_ERRORS, 404: ErrorAnswer, 409: ErrorAnswer } as const;

export const NO_CONTENT = { 204: { type: 'null', description: 'Done.' } } as const;
