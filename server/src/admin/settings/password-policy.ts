// PUT /api/v1/settings/password-policy — the rules for passwords set from now on (existing ones keep working).
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../guard.ts';
import { GUARDED_ERRORS } from '../common-schemas.ts';
import { PasswordPolicy } from './schemas.ts';
import type { SettingsService } from './service.ts';

export function setPasswordPolicyRoute(api: FastifyInstance, service: SettingsService): void {
  api.put<{ Body: PasswordPolicy }>(
    '/api/v1/settings/password-policy',
    {
      config: { scope: 'settings:write' },
      schema: { tags: ['settings'], summary: 'Change the password policy', body: PasswordPolicy, response: { 200: PasswordPolicy, ...GUARDED_ERRORS } },
    },
    (request) => service.setPasswordPolicy(request.body, actorOf(request)),
  );
}
