// DELETE /api/v1/users/:id/sessions — ends every session of the user at once ("sign out everywhere").
import { actorOf } from '../guard.ts';
import { IdParams } from '../common-schemas.ts';
import { RevokedSessions } from '../sessions/schemas.ts';
import { USER_ERRORS, type UsersRoute } from './route.ts';

export const revokeUserSessionsRoute: UsersRoute = (api, users) => {
  api.delete<{ Params: IdParams }>(
    '/api/v1/users/:id/sessions',
    {
      config: { scope: 'sessions:write' },
      schema: { tags: ['users', 'sessions'], summary: "Revoke all of a user's sessions", params: IdParams, response: { 200: RevokedSessions, ...USER_ERRORS } },
    },
    (request) => users.revokeSessions(request.params.id, actorOf(request)),
  );
};
