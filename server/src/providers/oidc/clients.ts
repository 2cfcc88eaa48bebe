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
import type { EventActor } from '../../admin/audit.ts';
import { recordEvent } from '../../admin/audit.ts';
import { notifyTopic, type Bus } from '../../platform/bus.ts';
import { Lru } from '../../platform/lru.ts';
import { OidcError } from './errors.ts';
import { GRANT_TYPES, checkClientSettings, type ClientSettings, type GrantType } from './client-rules.ts';
import { applicationEvent, changedSettings, createdEvent, deletedEvent } from './client-events.ts';
import { inTransaction } from '../../db/transaction.ts';

export const CLIENTS_TOPIC = 'oidc.clients';
/** A safety net for changes made without a bus message (another tool writing the table): entries live a minute. */
const CACHE_TTL_MS = 60_000;
const CACHE_MAX_ENTRIES = 1_000;
/** Marks the stored form of a secret in the metadata handed to oidc-provider: it is never the secret itself. */
const SECRET_HASH_PREFIX = 'sha256:';

type Queryable = Pick<pg.Pool, 'query'>;

/** An application as stored (never its secret): its settings (client-rules.ts), id, state and times. */
export interface ClientRecord extends ClientSettings {
  clientId: string;
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
  launchUrl?: string;
  logoUri?: string;
}

/** What an update may change; whether an application is public is fixed at creation (its secret depends on it). */
export interface ClientChanges {
  name?: string;
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  grantTypes?: string[];
  allowHttpRedirectUris?: boolean;
  isResourceServer?: boolean;
  launchUrl?: string | null;
  logoUri?: string | null;
  isEnabled?: boolean;
}

/** Who made a change, for its event; without one (tests, internal callers) no event is recorded. */
export type ChangedBy = EventActor | undefined;

export interface ClientPageQuery {
  /** Part of the name, regardless of case. */
  search?: string;
  /** The lower-cased name of the last application of the previous page. */
  after?: string;
  limit: number;
}

/** An application "My apps" shows: enabled, with a launch URL. */
export interface LaunchableClient {
  clientId: string;
  name: string;
  launchUrl: string;
  logoUri: string | null;
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
  launch_url: string | null;
  logo_uri: string | null;
  is_enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

const CLIENT_COLUMNS = `client_id, name, secret_sha256, is_public, redirect_uris, post_logout_redirect_uris, grant_types,
  allow_http_redirect_uris, is_resource_server, launch_url, logo_uri, is_enabled, created_at, updated_at`;

// Primary key.
const FIND_CLIENT = { name: 'oidc_client_find', text: `SELECT ${CLIENT_COLUMNS} FROM oidc_clients WHERE client_id = $1` };
// Primary key; the row stays locked until the change and its event commit.
const FIND_CLIENT_FOR_UPDATE = `SELECT ${CLIENT_COLUMNS} FROM oidc_clients WHERE client_id = $1 FOR UPDATE`;
const INSERT_CLIENT = `INSERT INTO oidc_clients (client_id, name, secret_sha256, is_public, redirect_uris, post_logout_redirect_uris, grant_types,
    allow_http_redirect_uris, is_resource_server, launch_url, logo_uri)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${CLIENT_COLUMNS}`;
// Primary key.
const UPDATE_CLIENT = `UPDATE oidc_clients SET name = $2, redirect_uris = $3, post_logout_redirect_uris = $4, grant_types = $5,
    allow_http_redirect_uris = $6, is_resource_server = $7, launch_url = $8, logo_uri = $9, is_enabled = $10, updated_at = now()
  WHERE client_id = $1 RETURNING ${CLIENT_COLUMNS}`;
// Primary key.
const UPDATE_SECRET = `UPDATE oidc_clients SET secret_sha256 = $2, updated_at = now() WHERE client_id = $1 RETURNING ${CLIENT_COLUMNS}`;
// Deletes the application and everything issued to it: its grants (remembered consents; oidc_payloads_grant_owner
// has client_id second, which PostgreSQL 18 reaches by skip scan, or else the primary key's 'Grant' range), what was
// issued under them (oidc_payloads_grant_id), and its client-credentials tokens (the primary key's range of that
// model: they live an hour, so few). Removing an application is rare; nothing here is on a hot path.
const DELETE_CLIENT = `
  WITH removed AS (DELETE FROM oidc_clients WHERE client_id = $1 RETURNING ${CLIENT_COLUMNS}),
    grants AS (DELETE FROM oidc_payloads WHERE model = 'Grant' AND client_id = $1 RETURNING id),
    issued AS (DELETE FROM oidc_payloads WHERE grant_id IN (SELECT id FROM grants)),
    services AS (DELETE FROM oidc_payloads WHERE model = 'ClientCredentials' AND (payload ->> 'clientId') = $1)
  SELECT * FROM removed`;
// oidc_clients_name_lower: keyset pages in name order; a search filters the (small) table on the way.
const PAGE_CLIENTS = {
  name: 'oidc_clients_page',
  text: `SELECT ${CLIENT_COLUMNS} FROM oidc_clients
    WHERE ($1::text IS NULL OR lower(name) LIKE $1) AND ($2::text IS NULL OR lower(name) > $2)
    ORDER BY lower(name) LIMIT $3`,
};
// oidc_clients_name_lower; a handful of rows per instance.
const LAUNCHABLE_CLIENTS = {
  name: 'oidc_clients_launchable',
  text: 'SELECT client_id, name, launch_url, logo_uri FROM oidc_clients WHERE is_enabled AND launch_url IS NOT NULL ORDER BY lower(name)',
};

export interface ClientRegistryDeps {
  pool: pg.Pool;
  /** Without a bus (the CLI), nothing is cached; changes still reach the servers' caches through NOTIFY. */
  bus?: Pick<Bus, 'followChanges' | 'isListening'>;
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
  async create(input: NewClientInput, by?: ChangedBy): Promise<{ client: ClientRecord; clientSecret: string | null }> {
    const settings = checkClientSettings({
      name: input.name,
      isPublic: input.isPublic === true,
      redirectUris: input.redirectUris ?? [],
      postLogoutRedirectUris: input.postLogoutRedirectUris ?? [],
      grantTypes: input.grantTypes ?? [GRANT_TYPES.authorization_code, GRANT_TYPES.refresh_token],
      allowHttpRedirectUris: input.allowHttpRedirectUris === true,
      isResourceServer: input.isResourceServer === true,
      launchUrl: input.launchUrl ?? null,
      logoUri: input.logoUri ?? null,
    });
    const clientSecret = settings.isPublic ? null : newClientSecret();
    for (let attempt = 0; ; attempt++) {
      try {
        const client = await this.change(async (db) => {
          const { rows } = await db.query<ClientRow>(INSERT_CLIENT, [
            newClientId(settings.name), settings.name, clientSecret === null ? null : sha256(clientSecret), settings.isPublic, settings.redirectUris,
            settings.postLogoutRedirectUris, settings.grantTypes, settings.allowHttpRedirectUris, settings.isResourceServer, settings.launchUrl, settings.logoUri,
          ]);
          const created = toRecord(rows[0]!);
          if (by) await recordEvent(db, createdEvent(by, created));
          return created;
        });
        return { client, clientSecret };
      } catch (error) {
        const constraint = violatedUnique(error);
        if (constraint === 'oidc_clients_name_lower') throw nameTaken(settings.name);
        // A client id collision (same name prefix, same 40 random bits): draw again.
        if (constraint === 'oidc_clients_pkey' && attempt < 3) continue;
        throw error;
      }
    }
  }

  /**
   * Changes an application's settings, checked as a whole with the rules of create (a change of grant types is
   * checked against the redirect URIs it keeps). Every instance drops its cached copy at commit.
   */
  async update(clientId: string, changes: ClientChanges, by?: ChangedBy): Promise<ClientRecord> {
    try {
      return await this.change(async (db) => {
        const before = await this.lockedRecord(db, clientId);
        const settings: ClientSettings & { isEnabled: boolean } = {
          ...checkClientSettings({
            name: changes.name ?? before.name,
            isPublic: before.isPublic,
            redirectUris: changes.redirectUris ?? before.redirectUris,
            postLogoutRedirectUris: changes.postLogoutRedirectUris ?? before.postLogoutRedirectUris,
            grantTypes: changes.grantTypes ?? before.grantTypes,
            allowHttpRedirectUris: changes.allowHttpRedirectUris ?? before.allowHttpRedirectUris,
            isResourceServer: changes.isResourceServer ?? before.isResourceServer,
            launchUrl: changes.launchUrl === undefined ? before.launchUrl : changes.launchUrl,
            logoUri: changes.logoUri === undefined ? before.logoUri : changes.logoUri,
          }),
          isEnabled: changes.isEnabled ?? before.isEnabled,
        };
        const { rows } = await db.query<ClientRow>(UPDATE_CLIENT, [
          clientId, settings.name, settings.redirectUris, settings.postLogoutRedirectUris, settings.grantTypes, settings.allowHttpRedirectUris,
          settings.isResourceServer, settings.launchUrl, settings.logoUri, settings.isEnabled,
        ]);
        const after = toRecord(rows[0]!);
        const changed = changedSettings(before, after);
        if (by && Object.keys(changed.after).length > 0) await recordEvent(db, applicationEvent('application.updated', by, after, changed));
        await this.announce(db, clientId);
        return after;
      }, clientId);
    } catch (error) {
      if (violatedUnique(error) === 'oidc_clients_name_lower') throw nameTaken(changes.name ?? '');
      throw error;
    }
  }

  /** A disabled client is refused at every endpoint at once, on every instance. */
  async setEnabled(clientId: string, enabled: boolean, by?: ChangedBy): Promise<void> {
    await this.update(clientId, { isEnabled: enabled }, by);
  }

  /** A new secret, returned here and never again; the old one is refused from the commit on, on every instance. */
  async rotateSecret(clientId: string, by?: ChangedBy): Promise<string> {
    return this.change(async (db) => {
      const before = await this.lockedRecord(db, clientId);
      if (before.isPublic) throw new OidcError('invalid_client_options', `"${before.name}" is a public application: it has no secret to replace.`);
      const clientSecret = newClientSecret();
      const { rows } = await db.query<ClientRow>(UPDATE_SECRET, [clientId, sha256(clientSecret)]);
      if (by) await recordEvent(db, applicationEvent('application.secret_rotated', by, toRecord(rows[0]!)));
      await this.announce(db, clientId);
      return clientSecret;
    }, clientId);
  }

  /** Deletes an application and revokes everything issued to it (grants, codes, tokens); returns it as it was. */
  async remove(clientId: string, by?: ChangedBy): Promise<ClientRecord> {
    return this.change(async (db) => {
      const { rows } = await db.query<ClientRow>(DELETE_CLIENT, [clientId]);
      if (!rows[0]) throw clientNotFound(clientId);
      const before = toRecord(rows[0]);
      if (by) await recordEvent(db, deletedEvent(by, before));
      await this.announce(db, clientId);
      return before;
    }, clientId);
  }

  async get(clientId: string): Promise<ClientRecord | null> {
    const { rows } = await this.deps.pool.query<ClientRow>({ ...FIND_CLIENT, values: [clientId] });
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async list(): Promise<ClientRecord[]> {
    const { rows } = await this.deps.pool.query<ClientRow>(`SELECT ${CLIENT_COLUMNS} FROM oidc_clients ORDER BY lower(name)`);
    return rows.map(toRecord);
  }

  /** One page in name order (regardless of case), after the given lower-cased name. */
  async page(query: ClientPageQuery): Promise<ClientRecord[]> {
    const search = query.search?.trim().toLowerCase();
    const pattern = search ? `%${search.replace(/[\\%_]/g, (character) => `\\${character}`)}%` : null;
    const { rows } = await this.deps.pool.query<ClientRow>({ ...PAGE_CLIENTS, values: [pattern, query.after ?? null, query.limit] });
    return rows.map(toRecord);
  }

  /** The enabled applications with a launch URL, in name order. */
  async launchable(): Promise<LaunchableClient[]> {
    const { rows } = await this.deps.pool.query<Pick<ClientRow, 'client_id' | 'name' | 'launch_url' | 'logo_uri'>>(LAUNCHABLE_CLIENTS);
    return rows.map((row) => ({ clientId: row.client_id, name: row.name, launchUrl: row.launch_url!, logoUri: row.logo_uri }));
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

  /**
   * Runs a change (and its event) in one transaction. A change to an existing client drops this instance's copy
   * after the commit; the others drop theirs when the NOTIFY sent in the transaction arrives (announce).
   */
  private async change<T>(work: (db: pg.PoolClient) => Promise<T>, clientId?: string): Promise<T> {
    try {
      return await inTransaction(this.deps.pool, work);
    } finally {
      // Also after a failure: a commit whose answer was lost may have happened.
      if (clientId !== undefined) this.forget(clientId);
    }
  }

  private async lockedRecord(db: Queryable, clientId: string): Promise<ClientRecord> {
    const { rows } = await db.query<ClientRow>(FIND_CLIENT_FOR_UPDATE, [clientId]);
    if (!rows[0]) throw clientNotFound(clientId);
    return toRecord(rows[0]);
  }

  /** Tells every instance (and this one) at commit that the client changed; works from the CLI too (no Bus needed). */
  private async announce(db: Queryable, clientId: string): Promise<void> {
    await notifyTopic(db, CLIENTS_TOPIC, { clientId }, 'oidc-clients');
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
    launchUrl: row.launch_url,
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

/** 256 random bits (RFC 6749 §10.10: guessing must be infeasible). */
function newClientSecret(): string {
  return randomBytes(32).toString('base64url');
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function violatedUnique(error: unknown): string | undefined {
  const failure = error as { code?: string; constraint?: string };
  return failure.code === '23505' ? failure.constraint : undefined;
}

function nameTaken(name: string): OidcError {
  return new OidcError('client_name_taken', `An application named "${name}" already exists. Choose another name.`);
}

function clientNotFound(clientId: string): OidcError {
  return new OidcError('client_not_found', `There is no application with client id "${clientId}".`);
}
