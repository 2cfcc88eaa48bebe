// DELETE /api/v1/me/consents/:applicationId — withdraws the user's consent to an application: the application must
// ask again, and every token issued to it for this user stops working at once.
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../../admin/guard.ts';
import { ErrorAnswer, GUARDED_ERRORS } from '../../admin/common-schemas.ts';
import { HttpError } from '../../http/errors.ts';
import type { OidcService } from '../../providers/oidc/index.ts';
import { ConsentParams } from '../schemas.ts';

export function revokeConsentRoute(api: FastifyInstance, oidc: OidcService): void {
  api.delete<{ Params: ConsentParams }>(
    '/api/v1/me/consents/:applicationId',
    {
      schema: {
        tags: ['portal'],
        summary: 'Withdraw my consent to an application',
        params: ConsentParams,
        response: { 204: Type.Null(), ...GUARDED_ERRORS, 404: ErrorAnswer },
      },
    },
    async (request, reply) => {
      const { user } = request.userSession!;
      const { applicationId } = request.params;
      // The event targets the user (the live hub tells that user's portal); clientId lets the events page's
      // application filter find it (index events_client_occurred_at).
      const revoked = await oidc.revokeConsent(user.id, applicationId, {
        type: 'consent.revoked',
        by: actorOf(request),
        target: { type: 'user', id: user.id, label: user.username },
        data: { applicationId, clientId: applicationId },
      });
      if (revoked === 0) throw new HttpError(404, 'consent_not_found', 'You have not consented to this application (or already withdrew it). Reload the list.');
      return reply.status(204).send();
    },
  );
}
