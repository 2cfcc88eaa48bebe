// SQL of the flows domain: login flows (20261128130000_flows.sql) and the first-admin setup in instance_state.
import type pg from 'pg';
import { registerExpiringTable } from '../platform/cleanup.ts';

// Expired flows go with the platform's cleanup job (index login_flows_expires_at).
registerExpiringTable({ table: 'login_flows', expiryCondition: 'expires_at < now()', batchSize: 1_000 });

export type FlowStep = 'identify' | 'password' | 'mfa' | 'consent' | 'done';

export interface FlowRow {
  id: string;
  interactionUid: string;
  csrfToken: string;
  step: FlowStep;
  login: string | null;
  userId: string | null;
  authMethods: string[];
  redirectTo: string | null;
}

const FLOW_COLUMNS = `id, interaction_uid AS "interactionUid", csrf_token AS "csrfToken", step, login, user_id AS "userId",
  auth_methods AS "authMethods", redirect_to AS "redirectTo"`;

// Each login runs these, so they are named (prepared once per connection, not parsed and planned each time).
// Index login_flows_interaction_browser.
const FIND_OR_CREATE = {
  name: 'flows_find_or_create',
  text: `WITH made AS (
      INSERT INTO login_flows (interaction_uid, browser_hash, csrf_token, step, expires_at)
      VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))
      ON CONFLICT (interaction_uid, browser_hash) DO NOTHING
      RETURNING ${FLOW_COLUMNS})
    SELECT * FROM made
    UNION ALL
    SELECT ${FLOW_COLUMNS} FROM login_flows WHERE interaction_uid = $1 AND browser_hash = $2 AND expires_at > now()
    LIMIT 1`,
};
// Index login_flows_interaction_browser.
const FIND = {
  name: 'flows_find',
  text: `SELECT ${FLOW_COLUMNS} FROM login_flows WHERE interaction_uid = $1 AND browser_hash = $2 AND expires_at > now()`,
};
// Primary key; only from the steps in $2.
const ADVANCE = {
  name: 'flows_advance',
  text: `UPDATE login_flows SET step = $3,
      login = CASE WHEN $4 THEN $5 ELSE login END,
      user_id = CASE WHEN $6 THEN $7::uuid ELSE user_id END,
      auth_methods = coalesce($8, auth_methods),
      redirect_to = coalesce($9, redirect_to),
      updated_at = now()
    WHERE id = $1 AND step = ANY($2) AND expires_at > now()`,
};

export class FlowRepo {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * The browser's flow for an interaction, made on first sight. One statement: a refresh racing the first load
   * finds the row the other made (index login_flows_interaction_browser).
   */
  async findOrCreate(input: { interactionUid: string; browserHash: Buffer; csrfToken: string; step: FlowStep; ttlSeconds: number }): Promise<FlowRow> {
    const { rows } = await this.pool.query<FlowRow>({
      ...FIND_OR_CREATE,
      values: [input.interactionUid, input.browserHash, input.csrfToken, input.step, input.ttlSeconds],
    });
    return rows[0]!;
  }

  /** Index login_flows_interaction_browser. */
  async find(interactionUid: string, browserHash: Buffer): Promise<FlowRow | null> {
    const { rows } = await this.pool.query<FlowRow>({ ...FIND, values: [interactionUid, browserHash] });
    return rows[0] ?? null;
  }

  /**
   * Moves a flow from one step to the next; returns false when it was no longer at `from` (another tab moved it),
   * so two submissions of one step cannot both proceed.
   */
  async advance(id: string, from: readonly FlowStep[], to: Partial<Pick<FlowRow, 'login' | 'userId' | 'authMethods' | 'redirectTo'>> & { step: FlowStep }): Promise<boolean> {
    const { rowCount } = await this.pool.query({
      ...ADVANCE,
      values: [id, from, to.step, 'login' in to, to.login ?? null, 'userId' in to, to.userId ?? null, to.authMethods ?? null, to.redirectTo ?? null],
    });
    return rowCount === 1;
  }
}

export interface SetupTokenRecord {
  tokenHash: string;
  expiresAt: string;
}

const SETUP_TOKEN_KEY = 'setup_token';
const SETUP_COMPLETED_KEY = 'setup_completed_at';

/** The first-admin setup's state in instance_state. setup_completed_at is set by a trigger when any admin appears (20261128130000_flows.sql). */
export class SetupRepo {
  constructor(private readonly pool: pg.Pool) {}

  async isCompleted(): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM instance_state WHERE key = $1', [SETUP_COMPLETED_KEY]);
    return rowCount === 1;
  }

  /** Replaces any earlier token: only the link printed by the latest start works. */
  async saveToken(record: SetupTokenRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO instance_state (key, value) VALUES ($1, $2)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()`,
      [SETUP_TOKEN_KEY, record],
    );
  }

  async readToken(): Promise<SetupTokenRecord | null> {
    const { rows } = await this.pool.query<{ value: SetupTokenRecord }>('SELECT value FROM instance_state WHERE key = $1', [SETUP_TOKEN_KEY]);
    return rows[0]?.value ?? null;
  }

  async forgetToken(): Promise<void> {
    await this.pool.query('DELETE FROM instance_state WHERE key = $1', [SETUP_TOKEN_KEY]);
  }
}
