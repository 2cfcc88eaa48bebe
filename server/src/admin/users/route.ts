// What every users route gets, and the error answers they share besides the guard's.
import type { FastifyInstance } from 'fastify';
import { ErrorAnswer, GUARDED_ERRORS } from '../common-schemas.ts';
import type { UsersAdmin } from './service.ts';

export type UsersRoute = (api: FastifyInstance, users: UsersAdmin) => void;

/** No such user (or group), and a change refused as it stands (taken, last admin, yourself). */
export const USER_ERRORS = { ...GUARDED_ERRORS, 404: ErrorAnswer, 409: ErrorAnswer } as const;
