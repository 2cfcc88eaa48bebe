// The client registry: applications that log users in through Gatehouse, in oidc_clients.
// The provider asks it for a client's metadata on every request that names one (token, introspection,
// authorization…), so enabled clients are kept in a small in-process LRU that every instance drops entries from
// when a client changes (bus topic oidc.clients); misses are never cached, so a client added by the CLI is
// seen at once.
//
// Client secrets: 256 random bits, shown once, stored as their SHA-256. A slow password hash (argon2id) exists to
// make guessing a low-entropy human password expensive; a 256-bit random secret cannot be guessed at any speed, so
// a fast hash loses nothing (RFC 6819 §5.1.4.1.3 asks for a hash, not a slow one), and argon2id's ~15 ms per
// check would cap every client authentication (each code exchange, each client credentials token) at ~130/s.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Bus } from '../../platform/bus.ts';
import { Lru } from '../../platform/lru.ts';
import { OidcError } from './errors.ts';
import { GRANT_TYPES, checkClientName, checkGrantTypes, checkRedirectUri, type GrantType } from './client-rules.ts';

export const CLIENTS_TOPIC = 'oidc.clients';
/** A safety net for changes made without a bus message (another tool writing the table): entries live a minute. */
const CACHE_TTL_MS = 60_000;
const CACHE_MAX_ENTRIES = 1_000;
/** Marks the stored form of a secret in the metadata handed to oidc-provider: it is never the secret itself. */
const SECRET_HASH_PREFIX = 'sha256:';

type Queryable = Pick<pg.Pool, 'query'>;

export interface ClientRecord {
  clientId: string;
  name: string;
  isPublic: boolean;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  grantTypes: GrantType[];
  allowHttpRedirectUris: boolean;
  isResourceServer: boolean;
  logoUri: string | null;
  isEnabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewClientInput {
  name: string;
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  /** Default: authorization_code and refresh_token. */
  grantTypes?: string[];
  /** A public client (a SPA, a native app, a CLI) has no secret and must use PKCE. */
  isPublic?: boolean;
  allowHttpRedirectUris?: boolean;
  isResourceServer?: boolean;
  logoUri?: string;
}

/** Client metadata as oidc-provider reads it (OpenID Connect Dynamic Client Registration 1.0 §2 names). */
export type ProviderClientMetadata = Record<string, unknown> & { client_id: string };

interface ClientRow {
  client_id: string;
  name: string;
  secret_sha256: Buffer | null;
  is_public: boolean;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: GrantType[];
  allow_http_redirect_uris: boolean;
  is_resource_server: boolean;
  logo_uri: string | null;
  is_enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

const CLIENT_COLUMNS = `client_id, name, secret_sha256, is_public, redirect_uris, post_logout_redirect_uris, grant_types,
  allow_http_redirect_uris, is_resource_server, logo_uri, is_enabled, created_at, updated_at`;

// Primary key.
const FIND_CLIENT = { name: 'oidc_client_find', text: `SELECT ${CLIENT_COLUMNS} FROM oidc_clients WHERE client_id = $1` };

export interface ClientRegistryDeps {
  pool: Queryable;
  /** Without a bus (the CLI), nothing is cached. */
  bus?: Pick<Bus, 'followChanges' | 'publish' | 'isListening'>;
  logger?: Logger;
}

export class ClientRegistry {
  private readonly cache = new Lru<ProviderClientMetadata>({ maxEntries: CACHE_MAX_ENTRIES });
  private stopListening: (() => void) | null = null;
  /** Counts invalidations: a read that overlapped one may hold the old row, so it is not cached. */
  private invalidations = 0;

  constructor(private readonly deps: ClientRegistryDeps) {}

  /** Follows other instances' changes; call after the bus has started. */
  start(): void {
    const { bus } = this.deps;
    if (!bus || this.stopListening) return;
    this.stopListening = bus.followChanges<{ clientId?: unknown }>(
      CLIENTS_TOPIC,
      (message) => {
        if (typeof message?.clientId === 'string') this.forget(message.clientId);
      },
      () => {
        this.invalidations++;
        this.cache.clear();
      },
    );
  }

  stop(): void {
    this.stopListening?.();
    this.stopListening = null;
    this.cache.clear();
  }

  /** Registers an application; the secret (null for a public client) is returned here and never again. */
  async create(input: NewClientInput): Promise<{ client: ClientRecord; clientSecret: string | null }> {
    const name = checkClientName(input.name);
    const isPublic = input.isPublic === true;
    const allowHttp = input.allowHttpRedirectUris === true;
    const redirectUris = unique(input.redirectUris ?? []).map((uri) => checkRedirectUri(uri, 'redirect URI', { allowHttp }));
    const postLogoutRedirectUris = unique(input.postLogoutRedirectUris ?? []).map((uri) => checkRedirectUri(uri, 'post-logout redirect URI', { allowHttp }));
    const grantTypes = checkGrantTypes(input.grantTypes ?? [GRANT_TYPES.authorization_code, GRANT_TYPES.refresh_token], { isPublic, redirectUris });
    if (input.isResourceServer && isPublic) {
      throw new OidcError('invalid_client_options', 'A public application cannot authenticate, so it cannot be a resource server that introspects tokens.');
    }
    const logoUri = input.logoUri === undefined ? null : checkRedirectUri(input.logoUri, 'logo URI', { allowHttp: false });
    const clientSecret = isPublic ? null : randomBytes(32).toString('base64url');
    for (let attempt = 0; ; attempt++) {
      try {
        const { rows } = await this.deps.pool.query<ClientRow>(
          `INSERT INTO oidc_clients (client_id, name, secret_sha256, is_public, redirect_uris, post_logout_redirect_uris, grant_types,
             allow_http_redirect_uris, is_resource_server, logo_uri)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${CLIENT_COLUMNS}`,
          [newClientId(name), name, clientSecret === null ? null : sha256(clientSecret), isPublic, redirectUris, postLogoutRedirectUris, grantTypes, allowHttp, input.isResourceServer === true, logoUri],
        );
        return { client: toRecord(rows[0]!), clientSecret };
      } catch (error) {
        const constraint = (error as { code?: string; constraint?: string }).code === '23505' ? (error as { constraint?: string }).constraint : undefined;
        if (constraint === 'oidc_clients_name_lower') throw new OidcError('client_name_taken', `An application named "${name}" already exists.`);
        // A client id collision (same name prefix, same 40 random bits): draw again.
        if (constraint === 'oidc_clients_pkey' && attempt < 3) continue;
        throw error;
      }
    }
  }

  async get(clientId: string): Promise<ClientRecord | null> {
    const { rows } = await this.deps.pool.query<ClientRow>({ ...FIND_CLIENT, values: [clientId] });
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async list(): Promise<ClientRecord[]> {
    const { rows } = await this.deps.pool.query<ClientRow>(`SELECT ${CLIENT_COLUMNS} FROM oidc_clients ORDER BY lower(name)`);
    return rows.map(toRecord);
  }

  /** A disabled client is refused at every endpoint at once, on every instance. */
  async setEnabled(clientId: string, enabled: boolean): Promise<void> {
    const { rowCount } = await this.deps.pool.query('UPDATE oidc_clients SET is_enabled = $2, updated_at = now() WHERE client_id = $1', [clientId, enabled]);
    if (rowCount === 0) throw new OidcError('client_not_found', `There is no application with client id "${clientId}".`);
    await this.changed(clientId);
  }

  /** The metadata oidc-provider builds its Client from; undefined for an unknown or disabled client. */
  async providerMetadata(clientId: string): Promise<ProviderClientMetadata | undefined> {
    const trustCache = this.stopListening !== null && this.deps.bus?.isListening() === true;
    if (trustCache) {
      const cached = this.cache.get(clientId);
      if (cached) return cached;
    }
    const invalidationsBefore = this.invalidations;
    const { rows } = await this.deps.pool.query<ClientRow>({ ...FIND_CLIENT, values: [clientId] });
    const row = rows[0];
    if (!row?.is_enabled) return undefined;
    const metadata = toProviderMetadata(row);
    if (trustCache && this.invalidations === invalidationsBefore) this.cache.set(clientId, metadata, CACHE_TTL_MS);
    return metadata;
  }

  private async changed(clientId: string): Promise<void> {
    this.forget(clientId);
    await this.deps.bus?.publish(CLIENTS_TOPIC, { clientId });
  }

  private forget(clientId: string): void {
    this.invalidations++;
    this.cache.delete(clientId);
  }
}

/** Compares a presented secret with the stored form in constant time (for oidc-provider's client authentication). */
export function secretMatches(storedForm: unknown, presented: string): boolean {
  if (typeof storedForm !== 'string' || !storedForm.startsWith(SECRET_HASH_PREFIX)) return false;
  const expected = Buffer.from(storedForm.slice(SECRET_HASH_PREFIX.length), 'hex');
  const actual = sha256(presented);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function toProviderMetadata(row: ClientRow): ProviderClientMetadata {
  const hasCode = row.grant_types.includes(GRANT_TYPES.authorization_code);
  return Object.freeze({
    client_id: row.client_id,
    client_name: row.name,
    ...(row.logo_uri ? { logo_uri: row.logo_uri } : {}),
    application_type: 'web',
    grant_types: [...row.grant_types],
    response_types: hasCode ? ['code'] : [],
    redirect_uris: [...row.redirect_uris],
    post_logout_redirect_uris: [...row.post_logout_redirect_uris],
    ...(row.is_public
      ? { token_endpoint_auth_method: 'none' }
      : // client_secret_basic also admits client_secret_post in oidc-provider; both carry the secret.
        { token_endpoint_auth_method: 'client_secret_basic', client_secret: SECRET_HASH_PREFIX + row.secret_sha256!.toString('hex') }),
    gatehouse_resource_server: row.is_resource_server,
  });
}

function toRecord(row: ClientRow): ClientRecord {
  return {
    clientId: row.client_id,
    name: row.name,
    isPublic: row.is_public,
    redirectUris: row.redirect_uris,
    postLogoutRedirectUris: row.post_logout_redirect_uris,
    grantTypes: row.grant_types,
    allowHttpRedirectUris: row.allow_http_redirect_uris,
    isResourceServer: row.is_resource_server,
    logoUri: row.logo_uri,
    isEnabled: row.is_enabled,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A readable, unguessable-enough id: the name's letters and 40 random bits, e.g. "grafana-k3x9q2mz". */
function newClientId(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  const suffix = randomBytes(5).readUIntBE(0, 5).toString(36).padStart(8, '0');
  return `${slug || 'app'}-${suffix}`;
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
