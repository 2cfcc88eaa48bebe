// The SQL of API tokens (api_tokens).
import type pg from 'pg';
import type { AdminScope } from '../scopes.ts';

type Queryable = Pick<pg.Pool, 'query'>;

/** A token as the guard sees it on a request. */
export interface PresentedToken {
  id: string;
  name: string;
  scopes: AdminScope[];
  /** Past its expiry, revoked, or its creator is no longer an active admin. */
  state: 'valid' | 'expired' | 'revoked';
}

export interface ApiTokenRow {
  id: string;
  name: string;
  scopes: AdminScope[];
  createdBy: string | null;
  createdByUsername: string | null;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

// Unique index api_tokens_token_sha256. Notes the use at most once a minute, in the same statement.
// A token works only while the admin who made it is an active admin: demoting or disabling them stops it.
const PRESENTED_TOKEN = {
  name: 'api_token_presented',
  text: `
    WITH found AS (
      SELECT t.id, t.name, t.scopes, t.last_used_at,
        CASE WHEN t.revoked_at IS NOT NULL OR u.id IS NULL OR NOT (u.is_active AND u.is_admin) THEN 'revoked'
             WHEN t.expires_at <= now() THEN 'expired' ELSE 'valid' END AS state
      FROM api_tokens t LEFT JOIN users u ON u.id = t.created_by
      WHERE t.token_sha256 = $1
    ), touched AS (
      UPDATE api_tokens SET last_used_at = now() FROM found
      WHERE api_tokens.id = found.id AND found.state = 'valid'
        AND (found.last_used_at IS NULL OR found.last_used_at < now() - interval '60 seconds')
    )
    SELECT id, name, scopes, state FROM found`,
};

const TOKEN_COLUMNS = `t.id, t.name, t.scopes, t.created_by, u.username AS created_by_username, t.created_at, t.expires_at, t.last_used_at, t.revoked_at`;

type TokenRow = {
  id: string; name: string; scopes: AdminScope[]; created_by: string | null; created_by_username: string | null;
  created_at: Date; expires_at: Date; last_used_at: Date | null; revoked_at: Date | null;
};

function toToken(row: TokenRow): ApiTokenRow {
  return {
    id: row.id, name: row.name, scopes: row.scopes, createdBy: row.created_by, createdByUsername: row.created_by_username,
    createdAt: row.created_at, expiresAt: row.expires_at, lastUsedAt: row.last_used_at, revokedAt: row.revoked_at,
  };
}

export class ApiTokenRepo {
  constructor(private readonly db: Queryable) {}

  async presented(tokenSha256: Buffer): Promise<PresentedToken | null> {
    const { rows } = await this.db.query<PresentedToken>({ ...PRESENTED_TOKEN, values: [tokenSha256] });
    return rows[0] ?? null;
  }

  async insert(token: { name: string; tokenSha256: Buffer; scopes: AdminScope[]; createdBy: string; expiresAt: Date }): Promise<ApiTokenRow> {
    const { rows } = await this.db.query<TokenRow>(
      `WITH t AS (INSERT INTO api_tokens (name, token_sha256, scopes, created_by, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING *)
       SELECT ${TOKEN_COLUMNS} FROM t LEFT JOIN users u ON u.id = t.created_by`,
      [token.name, token.tokenSha256, token.scopes, token.createdBy, token.expiresAt],
    );
    return toToken(rows[0]!);
  }

  /** Every token not revoked, newest first (a small table: a handful per instance). */
  async list(): Promise<ApiTokenRow[]> {
    const { rows } = await this.db.query<TokenRow>(
      `SELECT ${TOKEN_COLUMNS} FROM api_tokens t LEFT JOIN users u ON u.id = t.created_by WHERE t.revoked_at IS NULL ORDER BY t.created_at DESC, t.id`,
    );
    return rows.map(toToken);
  }

  /** The token as it was before revoking it; null when there is no such token (or it was revoked already). */
  async revoke(id: string): Promise<ApiTokenRow | null> {
    const { rows } = await this.db.query<TokenRow>(
      `WITH t AS (UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING *)
       SELECT ${TOKEN_COLUMNS} FROM t LEFT JOIN users u ON u.id = t.created_by`,
      [id],
    );
    return rows[0] ? toToken(rows[0]) : null;
  }
}
