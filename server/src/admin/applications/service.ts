// The applications API's logic: the OIDC domain's registry seen as the contract's shapes, with the URLs and ready
// snippets an admin needs to configure each application. Every change goes through OidcService, which checks it
// with the registry's rules and records its event in the same transaction.
import type { EventActor } from '../audit.ts';
import { PAGE_LIMIT_DEFAULT } from '../common-schemas.ts';
import { OidcError, type ClientRecord, type OidcService } from '../../providers/oidc/index.ts';
import { decodeCursor, encodeCursor } from '../page-cursor.ts';

/** The applications list's position: the lower-cased name (names are unique regardless of case: oidc_clients_name_lower). */
const LOWER_NAME = /^[^]{1,100}$/;
import { snippetsFor } from './snippets.ts';
import type {
  ApplicationDetail,
  ApplicationPage,
  ApplicationSummary,
  CreateApplicationBody,
  CreatedApplication,
  ListApplicationsQuery,
  RotatedSecret,
  UpdateApplicationBody,
} from './schemas.ts';

export class ApplicationsService {
  constructor(private readonly oidc: OidcService) {}

  async list(query: ListApplicationsQuery): Promise<ApplicationPage> {
    const limit = query.limit ?? PAGE_LIMIT_DEFAULT;
    // One more than a page: whether it comes back says whether there is a next page.
    const records = await this.oidc.listClients({
      ...(query.search ? { search: query.search } : {}),
      ...(query.cursor ? { after: decodeCursor(query.cursor, [LOWER_NAME])[0]! } : {}),
      limit: limit + 1,
    });
    const page = records.slice(0, limit);
    return {
      items: page.map(toSummary),
      nextCursor: records.length > limit ? encodeCursor([page.at(-1)!.name.toLowerCase()]) : null,
    };
  }

  async get(clientId: string): Promise<ApplicationDetail> {
    const record = await this.oidc.getClient(clientId);
    if (!record) throw notFound(clientId);
    return this.toDetail(record);
  }

  async create(body: CreateApplicationBody, by: EventActor): Promise<CreatedApplication> {
    const { type: _type, ...input } = body;
    const { client, clientSecret } = await this.oidc.createClient(input, by);
    return { application: this.toDetail(client), clientSecret };
  }

  async update(clientId: string, body: UpdateApplicationBody, by: EventActor): Promise<ApplicationDetail> {
    return this.toDetail(await this.oidc.updateClient(clientId, body, by));
  }

  async rotateSecret(clientId: string, by: EventActor): Promise<RotatedSecret> {
    return { clientSecret: await this.oidc.rotateClientSecret(clientId, by) };
  }

  async remove(clientId: string, by: EventActor): Promise<void> {
    await this.oidc.deleteClient(clientId, by);
  }

  private toDetail(record: ClientRecord): ApplicationDetail {
    const endpoints = this.oidc.endpoints();
    return {
      ...toSummary(record),
      redirectUris: record.redirectUris,
      postLogoutRedirectUris: record.postLogoutRedirectUris,
      grantTypes: record.grantTypes,
      allowHttpRedirectUris: record.allowHttpRedirectUris,
      isResourceServer: record.isResourceServer,
      updatedAt: record.updatedAt.toISOString(),
      endpoints,
      snippets: snippetsFor({ app: record, endpoints }),
    };
  }
}

function toSummary(record: ClientRecord): ApplicationSummary {
  return {
    id: record.clientId,
    type: 'oidc',
    name: record.name,
    isEnabled: record.isEnabled,
    isPublic: record.isPublic,
    launchUrl: record.launchUrl,
    logoUri: record.logoUri,
    createdAt: record.createdAt.toISOString(),
  };
}

function notFound(clientId: string): OidcError {
  return new OidcError('client_not_found', `There is no application with id "${clientId}". It may have been deleted; go back to the list.`);
}
