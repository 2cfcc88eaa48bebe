// The domains, composed in plain sight: each gets the context and the services it needs from the ones before it.
import type { AppContext, Domain } from './context.ts';
import { createIdentity } from '../identity/index.ts';
import { createOidc } from '../providers/oidc/index.ts';
import { createFlows } from '../flows/index.ts';
import { createAdmin } from '../admin/index.ts';
import { createBackupDomain } from '../backup/index.ts';
import { createLanDomain } from '../lan/index.ts';

export async function createDomains(ctx: AppContext): Promise<Domain[]> {
  const identity = createIdentity(ctx);
  const oidc = await createOidc(ctx, { identity: identity.service });
  const flows = createFlows(ctx, { identity: identity.service, oidc: oidc.service });
  const admin = createAdmin(ctx, { identity: identity.service, oidc: oidc.service, flows: flows.service });
  const backup = createBackupDomain(ctx, { admin: admin.service });
  return [identity, oidc, flows, admin, backup, createLanDomain(ctx, { admin: admin.service })];
}
