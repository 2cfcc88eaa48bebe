// oidc-provider's storage adapter on PostgreSQL: every model in one table, oidc_payloads, keyed by (model, id).
// Each adapter call is one statement (one round trip), served by the index named above it.
// Three things make the hot paths cheaper still:
// - finds of one id under several models in the same tick (introspection and the token endpoint look a token up
//   as an access token, client-credentials token and refresh token at once) become one statement;
// - concurrent revokeByGrantId calls for one grant (oidc-provider revokes each token model in parallel) share
//   one DELETE, which removes everything issued under the grant, as the in-memory adapter does;
// - client-credentials tokens are saved with an asynchronous commit, and saves that arrive while others are in
//   flight go together in one statement (see ASYNC_COMMIT_MODELS).
// Expiry: oidc-provider checks each payload's exp itself (and may ask for expired codes to say "expired");
// expired rows are deleted by the platform's cleanup job (registered below).
// Codes and tokens issued to a user carry the Gatehouse session of their sign-in (gatehouse_session_id, chosen by
// session-binding.ts), with which they end (migration 20261128150200).
import type pg from 'pg';
import type { Adapter, AdapterPayload, errors } from 'oidc-provider';
import { registerExpiringTable } from '../../platform/cleanup.ts';
import type { SessionBinding } from './session-binding.ts';

registerExpiringTable({ table: 'oidc_payloads', expiryCondition: 'expires_at < now()', batchSize: 2_000 });

/** Models whose rows belong to a grant (revoked with it); the others never get grant_id. */
const GRANT_MEMBERS = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PreAuthorizedCode']);

/** Models that are consumed to issue tokens: using one twice must fail (RFC 6749 §4.1.2, §10.5; RFC 9700 §4.14.2). */
const SINGLE_USE = new Set(['AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PreAuthorizedCode']);

const UPSERT_COLUMNS = 'model, id, payload, grant_id, uid, user_code, account_id, client_id, expires_at';
const UPSERT_CONFLICT = `ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id, uid = excluded.uid,
      user_code = excluded.user_code, account_id = excluded.account_id, client_id = excluded.client_id, expires_at = excluded.expires_at`;
// Primary key (model, id). A consumed row stays consumed when saved again, and a save never unties a row from its
// Gatehouse session (a device code is saved untied when the device asks, then tied when a browser approves it).
// The session's row is checked by the foreign key in the same statement: a session deleted meanwhile fails it.
const UPSERT = {
  name: 'oidc_payload_upsert',
  text: `INSERT INTO oidc_payloads (${UPSERT_COLUMNS}, gatehouse_session_id)
    VALUES ($1, $2, $3::json, $4, $5, $6, $7, $8, now() + make_interval(secs => $9), $10) ${UPSERT_CONFLICT},
      gatehouse_session_id = coalesce(excluded.gatehouse_session_id, oidc_payloads.gatehouse_session_id)`,
};
/** The foreign key of gatehouse_session_id: its violation means the sign-in's session has just ended. */
const SESSION_FOREIGN_KEY = 'oidc_payloads_gatehouse_session_id_fkey';
// Several rows in one statement (arrays of equal length), committed without waiting for the WAL flush:
// synchronous_commit is read at commit, so setting it for this transaction inside the statement makes its
// implicit transaction commit asynchronously, still in one round trip. (WHERE true keeps ON CONFLICT from
// reading as a join's ON.)
const UPSERT_MANY_ASYNC_COMMIT = {
  name: 'oidc_payload_upsert_many_async',
  text: `WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true))
    INSERT INTO oidc_payloads (${UPSERT_COLUMNS})
    SELECT row.model, row.id, row.payload::json, row.grant_id, row.uid, row.user_code, row.account_id, row.client_id,
      now() + make_interval(secs => row.expires_in)
    FROM async_commit, unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::float8[])
      AS row (model, id, payload, grant_id, uid, user_code, account_id, client_id, expires_in)
    WHERE true ${UPSERT_CONFLICT}`,
};
/**
 * Models saved with an asynchronous commit. A client-credentials token lost in a crash (at most the last
 * ~0.6 s: 3 × wal_writer_delay) makes its client get invalid_token and ask for another, as when a token
 * expires early; its client can always ask again, so it does not need a WAL flush before the answer.
 * Everything issued to or about a user stays durable.
 * Saves of these that arrive while earlier ones are in flight are also combined into one statement.
 */
const ASYNC_COMMIT_MODELS = new Set(['ClientCredentials']);
/** Combined saves in flight at once; the others wait and go together in the next statement. */
const COMBINED_SAVES_IN_FLIGHT = 2;
const COMBINED_SAVES_MAX_ROWS = 200;
// Primary key (model, id).
const FIND = { name: 'oidc_payload_find', text: 'SELECT payload, consumed_at FROM oidc_payloads WHERE model = $1 AND id = $2' };
// Primary key (model, id), one probe per model.
const FIND_ANY_MODEL = { name: 'oidc_payload_find_any', text: 'SELECT model, payload, consumed_at FROM oidc_payloads WHERE id = $1 AND model = ANY($2::text[])' };
// oidc_payloads_uid.
const FIND_BY_UID = { name: 'oidc_payload_find_uid', text: 'SELECT payload, consumed_at FROM oidc_payloads WHERE model = $1 AND uid = $2 LIMIT 1' };
// oidc_payloads_user_code.
const FIND_BY_USER_CODE = { name: 'oidc_payload_find_user_code', text: 'SELECT payload, consumed_at FROM oidc_payloads WHERE model = $1 AND user_code = $2 LIMIT 1' };
// Primary key; only the first consume succeeds, so two parallel redemptions of one code cannot both win.
// It returns the Gatehouse session of what was redeemed, which the tokens issued for it inherit.
const CONSUME = {
  name: 'oidc_payload_consume',
  text: 'UPDATE oidc_payloads SET consumed_at = now() WHERE model = $1 AND id = $2 AND consumed_at IS NULL RETURNING gatehouse_session_id',
};
// Primary key.
const DESTROY = { name: 'oidc_payload_destroy', text: 'DELETE FROM oidc_payloads WHERE model = $1 AND id = $2' };
// oidc_payloads_grant_id.
const REVOKE_GRANT = { name: 'oidc_payload_revoke_grant', text: 'DELETE FROM oidc_payloads WHERE grant_id = $1' };
// oidc_payloads_grant_owner: the newest unexpired grant of a user for a client.
const GRANT_OF_OWNER = {
  name: 'oidc_grant_of_owner',
  text: `SELECT id FROM oidc_payloads WHERE model = 'Grant' AND account_id = $1 AND client_id = $2 AND expires_at > now()
    ORDER BY expires_at DESC LIMIT 1`,
};
// oidc_payloads_grant_owner, then oidc_payloads_grant_id for what was issued under those grants.
const REVOKE_GRANTS_OF_OWNER = {
  name: 'oidc_revoke_grants_of_owner',
  text: `WITH grants AS (DELETE FROM oidc_payloads WHERE model = 'Grant' AND account_id = $1 AND ($2::text IS NULL OR client_id = $2) RETURNING id),
      issued AS (DELETE FROM oidc_payloads WHERE grant_id IN (SELECT id FROM grants))
    SELECT count(*)::int AS grants FROM grants`,
};
// oidc_payloads_grant_owner: a user's unexpired grants (remembered consents), one or a few per application, with
// the application's name (primary key of oidc_clients).
const GRANTS_OF_OWNER = {
  name: 'oidc_grants_of_owner',
  text: `SELECT g.client_id, c.name AS client_name, g.payload FROM oidc_payloads g JOIN oidc_clients c ON c.client_id = g.client_id
    WHERE g.model = 'Grant' AND g.account_id = $1 AND g.expires_at > now()`,
};

interface Row {
  payload: AdapterPayload;
  consumed_at: Date | null;
}

/** The nine values of one upsert, in UPSERT_COLUMNS order (expires_in in seconds). */
type UpsertValues = [string, string, string, string | null, string | null, string | null, string | null, string | null, number | null];

/** A grant (remembered consent) as stored: what a user allowed an application. */
export interface StoredGrant {
  clientId: string;
  clientName: string;
  /** The OpenID scopes granted (openid, profile, email, groups, offline_access…). */
  scopes: string[];
  /** When it was first granted. */
  grantedAt: Date | null;
}

type Queryable = Pick<pg.Pool, 'query'>;

interface PendingSave {
  values: UpsertValues;
  resolve(): void;
  reject(error: unknown): void;
}

interface FindWaiter {
  model: string;
  resolve(payload: AdapterPayload | undefined): void;
  reject(error: unknown): void;
}

export class PayloadStore {
  /** Finds waiting for the end of the current tick, by id. */
  private readonly pendingFinds = new Map<string, FindWaiter[]>();
  /** Revocations in flight, by grant id. */
  private readonly revoking = new Map<string, Promise<void>>();
  /** Asynchronous-commit saves waiting for a statement, and the statements in flight. */
  private pendingSaves: PendingSave[] = [];
  private savesInFlight = 0;

  constructor(
    private readonly pool: pg.Pool,
    /** oidc-provider's error class for a used code or token (passed in: the library is loaded lazily, see load.ts). */
    private readonly InvalidGrant: typeof errors.InvalidGrant,
    /** Ties codes and tokens to the Gatehouse session of their sign-in; without one, nothing is tied. */
    private readonly binding?: SessionBinding,
  ) {}

  /** oidc-provider's adapter factory: one adapter object per model name. */
  adapterFor(model: string): Adapter {
    return {
      upsert: (id, payload, expiresIn) => this.upsert(model, id, payload, expiresIn),
      find: (id) => this.find(model, id),
      findByUid: (uid) => this.findOne(FIND_BY_UID, model, uid),
      findByUserCode: (userCode) => this.findOne(FIND_BY_USER_CODE, model, userCode),
      consume: (id) => this.consume(model, id),
      destroy: async (id) => {
        await this.pool.query({ ...DESTROY, values: [model, id] });
      },
      revokeByGrantId: (grantId) => this.revokeByGrantId(grantId),
    };
  }

  /** The id of the grant (remembered consent) a user gave a client, if any is still valid. */
  async grantIdOf(accountId: string, clientId: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ id: string }>({ ...GRANT_OF_OWNER, values: [accountId, clientId] });
    return rows[0]?.id;
  }

  /**
   * Forgets a user's consent (for one client, or all) and revokes every token issued under it; returns how many
   * grants there were. `db` may be a transaction (to record the change with it).
   */
  async revokeGrantsOf(accountId: string, clientId?: string, db: Queryable = this.pool): Promise<number> {
    const { rows } = await db.query<{ grants: number }>({ ...REVOKE_GRANTS_OF_OWNER, values: [accountId, clientId ?? null] });
    return rows[0]?.grants ?? 0;
  }

  /** The user's unexpired grants, one per application: the scopes of all its grants, and the first grant's time. (Any order.) */
  async grantsOf(accountId: string): Promise<StoredGrant[]> {
    const { rows } = await this.pool.query<{ client_id: string; client_name: string; payload: { iat?: number; openid?: { scope?: string } } }>({
      ...GRANTS_OF_OWNER,
      values: [accountId],
    });
    const byClient = new Map<string, { clientName: string; scopes: Set<string>; iat: number | null }>();
    for (const { client_id: clientId, client_name: clientName, payload } of rows) {
      const entry = byClient.get(clientId) ?? { clientName, scopes: new Set<string>(), iat: null };
      for (const scope of (payload.openid?.scope ?? '').split(' ')) if (scope) entry.scopes.add(scope);
      if (typeof payload.iat === 'number' && (entry.iat === null || payload.iat < entry.iat)) entry.iat = payload.iat;
      byClient.set(clientId, entry);
    }
    return [...byClient].map(([clientId, { clientName, scopes, iat }]) => ({ clientId, clientName, scopes: [...scopes], grantedAt: iat === null ? null : new Date(iat * 1000) }));
  }

  private async upsert(model: string, id: string, payload: AdapterPayload, expiresIn: number | undefined): Promise<void> {
    const isGrant = model === 'Grant';
    const sessionId = this.binding ? await this.binding.sessionOf(model, payload) : null;
    const values: UpsertValues = [
      model,
      id,
      JSON.stringify(payload),
      GRANT_MEMBERS.has(model) ? (payload.grantId ?? null) : null,
      model === 'Session' ? (payload.uid ?? null) : null,
      payload.userCode ?? null,
      isGrant ? (payload.accountId ?? null) : null,
      isGrant ? (payload.clientId ?? null) : null,
      typeof expiresIn === 'number' ? expiresIn : null,
    ];
    if (!ASYNC_COMMIT_MODELS.has(model)) {
      try {
        await this.pool.query({ ...UPSERT, values: [...values, sessionId] });
      } catch (error) {
        // The sign-in this was issued under ended while it was being issued (trigger of migration 20261128150200).
        if ((error as { constraint?: string }).constraint === SESSION_FOREIGN_KEY) throw new this.InvalidGrant('the sign-in session of this grant has ended');
        throw error;
      }
      return;
    }
    await new Promise<void>((resolve, reject) => {
      this.pendingSaves.push({ values, resolve, reject });
      if (this.savesInFlight < COMBINED_SAVES_IN_FLIGHT) this.flushSaves();
    });
  }

  /** Sends the waiting saves as one statement; when it returns, the ones that arrived meanwhile go next. */
  private flushSaves(): void {
    if (this.pendingSaves.length === 0) return;
    const batch = this.pendingSaves.splice(0, COMBINED_SAVES_MAX_ROWS);
    // One row per (model, id): a statement may not update a row twice; the last save of an id wins.
    const rows = new Map(batch.map((save) => [`${save.values[0]}\0${save.values[1]}`, save.values]));
    const columns = Array.from({ length: 9 }, (_, column) => [...rows.values()].map((values) => values[column]));
    this.savesInFlight++;
    this.pool.query({ ...UPSERT_MANY_ASYNC_COMMIT, values: columns }).then(
      () => batch.forEach((save) => save.resolve()),
      (error: unknown) => batch.forEach((save) => save.reject(error)),
    ).finally(() => {
      this.savesInFlight--;
      this.flushSaves();
    });
  }

  /** Joins the finds of this tick for the same id into one statement. */
  private find(model: string, id: string): Promise<AdapterPayload | undefined> {
    return new Promise((resolve, reject) => {
      let waiters = this.pendingFinds.get(id);
      if (!waiters) {
        waiters = [];
        this.pendingFinds.set(id, waiters);
        queueMicrotask(() => void this.flushFinds(id));
      }
      waiters.push({ model, resolve, reject });
    });
  }

  private async flushFinds(id: string): Promise<void> {
    const waiters = this.pendingFinds.get(id) ?? [];
    this.pendingFinds.delete(id);
    try {
      const models = [...new Set(waiters.map((waiter) => waiter.model))];
      let found: Map<string, AdapterPayload>;
      if (models.length === 1) {
        const { rows } = await this.pool.query<Row>({ ...FIND, values: [models[0], id] });
        found = new Map(rows.map((row) => [models[0]!, withConsumed(row)]));
      } else {
        const { rows } = await this.pool.query<Row & { model: string }>({ ...FIND_ANY_MODEL, values: [id, models] });
        found = new Map(rows.map((row) => [row.model, withConsumed(row)]));
      }
      // oidc-provider builds model instances from a payload: two waiters for one model each get their own copy.
      const handedOut = new Set<string>();
      for (const waiter of waiters) {
        const payload = found.get(waiter.model);
        waiter.resolve(payload === undefined || !handedOut.has(waiter.model) ? payload : structuredClone(payload));
        handedOut.add(waiter.model);
      }
    } catch (error) {
      for (const waiter of waiters) waiter.reject(error);
    }
  }

  private async findOne(query: { name: string; text: string }, model: string, value: string): Promise<AdapterPayload | undefined> {
    const { rows } = await this.pool.query<Row>({ ...query, values: [model, value] });
    return rows[0] ? withConsumed(rows[0]) : undefined;
  }

  private async consume(model: string, id: string): Promise<void> {
    const { rows, rowCount } = await this.pool.query<{ gatehouse_session_id: string | null }>({ ...CONSUME, values: [model, id] });
    // Another request consumed it between oidc-provider's find and this consume (or it was revoked meanwhile).
    if (rowCount === 0 && SINGLE_USE.has(model)) throw new this.InvalidGrant(`${model === 'RefreshToken' ? 'refresh token' : 'grant'} already used`);
    this.binding?.redeemed(rows[0]?.gatehouse_session_id ?? null);
  }

  private revokeByGrantId(grantId: string): Promise<void> {
    let pending = this.revoking.get(grantId);
    if (!pending) {
      pending = this.pool
        .query({ ...REVOKE_GRANT, values: [grantId] })
        .then(() => undefined)
        .finally(() => this.revoking.delete(grantId));
      this.revoking.set(grantId, pending);
    }
    return pending;
  }
}

/** The stored payload, with oidc-provider's `consumed` (seconds since the epoch) when the row was consumed. */
function withConsumed(row: Row): AdapterPayload {
  if (row.consumed_at === null) return row.payload;
  return { ...row.payload, consumed: Math.floor(row.consumed_at.getTime() / 1000) };
}
