// The identity domain's SQL: users, groups, memberships, sessions. Every statement is parameterized;
// each hot one names the index it relies on (migration 20261128100000_identity.sql).
// The statements of every login and authenticated request are named (prepared once per connection): PostgreSQL
// then skips parsing and planning them again, which is a good part of their cost on this path.
import type pg from 'pg';
import type { SessionRecord, UserRecord } from './service.ts';

/** What the repo needs of a pool (the server's, or the CLI's). */
export type Queryable = Pick<pg.Pool, 'query'>;

const USER_COLUMNS = 'id, username, email, email_verified, display_name, is_active, is_admin, attributes, created_at, updated_at';
// host() drops the /32 (or /128) netmask that inet would print.
const SESSION_COLUMNS = 'id, user_id, created_at, last_seen_at, expires_at, idle_expires_at, auth_time, auth_methods, host(last_ip) AS last_ip, user_agent';

interface UserRow {
  id: string;
  username: string;
  email: string | null;
  email_verified: boolean;
  display_name: string | null;
  is_active: boolean;
  is_admin: boolean;
  attributes: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

interface SessionRow {
  id: string;
  user_id: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  idle_expires_at: Date;
  auth_time: Date;
  auth_methods: string[];
  last_ip: string | null;
  user_agent: string | null;
}

export interface NewUser {
  username: string;
  email: string | null;
  emailVerified: boolean;
  displayName: string | null;
  passwordHash: string | null;
  isAdmin: boolean;
}

export interface NewSession {
  tokenHash: Buffer;
  userId: string;
  absoluteSeconds: number;
  idleSeconds: number;
  authTime: Date | null;
  authMethods: string[];
  ip: string | null;
  userAgent: string | null;
}

export interface SessionLookup {
  tokenHash: Buffer;
  ip: string | null;
  userAgent: string | null;
  idleSeconds: number;
  slideIntervalSeconds: number;
}

/** A unique index a write ran into (PostgreSQL 23505), for turning into username_taken and the like. */
export function violatedUniqueIndex(error: unknown): string | null {
  const { code, constraint } = error as { code?: string; constraint?: string };
  return code === '23505' ? (constraint ?? null) : null;
}

// Unique indexes users_username_lower and users_email_lower. (An admin closes the first-run setup for good
// through the trigger users_admin_closes_setup of the flows migration.)
const INSERT_USER = `
  INSERT INTO users (username, email, email_verified, display_name, password_hash, password_changed_at, is_admin)
  VALUES ($1, $2, $3, $4, $5, CASE WHEN $5::text IS NOT NULL THEN now() END, $6)
  RETURNING ${USER_COLUMNS}`;

// Primary key.
const USER_BY_ID = { name: 'identity_user_by_id', text: `SELECT ${USER_COLUMNS} FROM users WHERE id = $1` };

// users_username_lower.
const USER_BY_USERNAME = `SELECT ${USER_COLUMNS} FROM users WHERE lower(username) = lower($1)`;

// users_username_lower and users_email_lower (a BitmapOr). Where one user's username is another's email,
// the username wins: it is the unambiguous name.
const USER_BY_LOGIN = { name: 'identity_user_by_login', text: `
  SELECT ${USER_COLUMNS}, password_hash FROM users
  WHERE lower(username) = lower($1) OR lower(email) = lower($1)
  ORDER BY lower(username) = lower($1) DESC
  LIMIT 1` };

// Keyset pagination in username order (users_username_lower); the search scans, which suits an admin's list.
const LIST_USERS = `
  SELECT ${USER_COLUMNS} FROM users
  WHERE ($1::text IS NULL OR username ILIKE $1 OR email ILIKE $1 OR display_name ILIKE $1)
    AND ($2::text IS NULL OR lower(username) > lower($2))
  ORDER BY lower(username)
  LIMIT $3`;

const SET_PASSWORD_HASH = `UPDATE users SET password_hash = $2, password_changed_at = now(), updated_at = now() WHERE id = $1`;

// Only if the hash is still the one that was verified: a password set meanwhile is not overwritten.
const REPLACE_PASSWORD_HASH = `UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2`;

// Disabling ends every session of the user in the same statement (sessions_user).
const SET_ACTIVE = `
  WITH changed AS (
    UPDATE users SET is_active = $2, updated_at = now() WHERE id = $1 RETURNING id
  ), revoked AS (
    DELETE FROM sessions WHERE NOT $2 AND user_id IN (SELECT id FROM changed) RETURNING id
  )
  SELECT (SELECT count(*) FROM changed)::int AS users, (SELECT count(*) FROM revoked)::int AS sessions`;

// group_members_user, then the groups' primary key.
const GROUP_NAMES_OF = `
  ARRAY(SELECT g.name FROM group_members gm JOIN groups g ON g.id = gm.group_id WHERE gm.user_id = %USER% ORDER BY g.name)`;

const GROUPS_OF = `SELECT ${GROUP_NAMES_OF.replace('%USER%', '$1')} AS groups`;

// Primary key, then as GROUPS_OF.
const ACTIVE_USER_WITH_GROUPS = { name: 'identity_active_user_with_groups', text: `
  SELECT ${USER_COLUMNS}, ${GROUP_NAMES_OF.replace('%USER%', 'users.id')} AS groups
  FROM users WHERE id = $1 AND is_active` };

const INSERT_GROUP = `INSERT INTO groups (name, description) VALUES ($1, $2) RETURNING id, name`;

// groups_name_lower and users_username_lower resolve the names; an existing membership is left as it is.
const ADD_MEMBER = `
  WITH g AS (SELECT id FROM groups WHERE lower(name) = lower($1)),
       u AS (SELECT id FROM users WHERE lower(username) = lower($2)),
       added AS (INSERT INTO group_members (group_id, user_id) SELECT g.id, u.id FROM g, u ON CONFLICT DO NOTHING)
  SELECT (SELECT id FROM g) AS group_id, (SELECT id FROM u) AS user_id`;

const REMOVE_MEMBER = `
  WITH g AS (SELECT id FROM groups WHERE lower(name) = lower($1)),
       u AS (SELECT id FROM users WHERE lower(username) = lower($2)),
       removed AS (DELETE FROM group_members WHERE group_id IN (SELECT id FROM g) AND user_id IN (SELECT id FROM u))
  SELECT (SELECT id FROM g) AS group_id, (SELECT id FROM u) AS user_id`;

// Only for an active user (primary key). The database's clock sets both expiries, so every instance agrees.
// Answers as AUTHENTICATE does (session, user, groups): the request that signs in knows its session at once.
const INSERT_SESSION = { name: 'identity_insert_session', text: `
  WITH account AS (
    SELECT ${USER_COLUMNS}, ${GROUP_NAMES_OF.replace('%USER%', 'users.id')} AS groups FROM users WHERE id = $2 AND is_active
  ), inserted AS (
    INSERT INTO sessions (token_hash, user_id, expires_at, idle_expires_at, auth_time, auth_methods, last_ip, user_agent)
    SELECT $1, id, now() + make_interval(secs => $3), now() + make_interval(secs => least($3, $4)),
           coalesce($5::timestamptz, now()), $6, $7::inet, $8
    FROM account
    RETURNING id AS session_id, created_at AS session_created_at, last_seen_at, expires_at, idle_expires_at, auth_time, auth_methods,
      host(last_ip) AS last_ip, user_agent
  )
  SELECT inserted.*, account.* FROM inserted, account` };

/**
 * Every authenticated request: session, user and groups in ONE statement.
 * sessions_token_hash finds the session, the users primary key its user, group_members_user and the groups
 * primary key its groups. Expired (either expiry) and deleted (revoked) sessions and inactive users find nothing.
 * The idle expiry slides in the same statement, at most once per $5 seconds, never past the absolute expiry;
 * the outer SELECT reads the updated values through the `slid` CTE (it would otherwise see the old row).
 * $1 token hash, $2 ip, $3 user agent, $4 idle lifetime seconds, $5 slide interval seconds.
 */
const AUTHENTICATE = { name: 'identity_authenticate', text: `
  WITH found AS (
    SELECT s.id AS session_id, s.created_at AS session_created_at, s.last_seen_at, s.expires_at, s.idle_expires_at,
           s.auth_time, s.auth_methods, s.last_ip, s.user_agent, ${USER_COLUMNS.split(', ').map((column) => `u.${column}`).join(', ')}
    FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE s.token_hash = $1 AND s.idle_expires_at > now() AND s.expires_at > now() AND u.is_active
  ), slid AS (
    UPDATE sessions s
    SET last_seen_at = now(),
        idle_expires_at = least(s.expires_at, now() + make_interval(secs => $4)),
        last_ip = coalesce($2::inet, s.last_ip),
        user_agent = coalesce($3::text, s.user_agent)
    FROM found
    WHERE s.id = found.session_id AND found.last_seen_at <= now() - make_interval(secs => $5)
    RETURNING s.id, s.last_seen_at, s.idle_expires_at, s.last_ip, s.user_agent
  )
  SELECT found.session_id, found.session_created_at, found.expires_at, found.auth_time, found.auth_methods,
         coalesce(slid.last_seen_at, found.last_seen_at) AS last_seen_at,
         coalesce(slid.idle_expires_at, found.idle_expires_at) AS idle_expires_at,
         host(coalesce(slid.last_ip, found.last_ip)) AS last_ip,
         coalesce(slid.user_agent, found.user_agent) AS user_agent,
         ${USER_COLUMNS.split(', ').map((column) => `found.${column}`).join(', ')},
         ${GROUP_NAMES_OF.replace('%USER%', 'found.id')} AS groups
  FROM found LEFT JOIN slid ON slid.id = found.session_id` };

// Primary key.
const DELETE_SESSION = `DELETE FROM sessions WHERE id = $1`;
// sessions_user.
const DELETE_SESSIONS_OF_USER = `DELETE FROM sessions WHERE user_id = $1`;
// sessions_user; the ones still valid, most recently used first.
const LIVE_SESSIONS_OF_USER = `
  SELECT ${SESSION_COLUMNS} FROM sessions
  WHERE user_id = $1 AND idle_expires_at > now() AND expires_at > now()
  ORDER BY last_seen_at DESC`;

// users_active_admins.
const HAS_ADMIN = `SELECT EXISTS (SELECT 1 FROM users WHERE is_admin AND is_active) AS has_admin`;

/** A row of AUTHENTICATE or INSERT_SESSION: the session's columns (its id and creation renamed), the user's, and groups. */
type AuthenticatedRow = UserRow & Omit<SessionRow, 'id' | 'user_id' | 'created_at'> & { session_id: string; session_created_at: Date; groups: string[] };

function toAuthenticated(row: AuthenticatedRow): { session: SessionRecord; user: UserRecord; groups: string[] } {
  return {
    session: toSession({ ...row, id: row.session_id, user_id: row.id, created_at: row.session_created_at }),
    user: toUser(row),
    groups: row.groups,
  };
}

function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    emailVerified: row.email_verified,
    displayName: row.display_name,
    isActive: row.is_active,
    isAdmin: row.is_admin,
    attributes: row.attributes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toSession(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    idleExpiresAt: row.idle_expires_at,
    authTime: row.auth_time,
    authMethods: row.auth_methods,
    lastIp: row.last_ip,
    userAgent: row.user_agent,
  };
}

export class IdentityRepo {
  constructor(private readonly db: Queryable) {}

  async insertUser(user: NewUser): Promise<UserRecord> {
    const { rows } = await this.db.query<UserRow>(INSERT_USER, [user.username, user.email, user.emailVerified, user.displayName, user.passwordHash, user.isAdmin]);
    return toUser(rows[0]!);
  }

  async userById(id: string): Promise<UserRecord | null> {
    const { rows } = await this.db.query<UserRow>({ ...USER_BY_ID, values: [id] });
    return rows[0] ? toUser(rows[0]) : null;
  }

  async userByUsername(username: string): Promise<UserRecord | null> {
    const { rows } = await this.db.query<UserRow>(USER_BY_USERNAME, [username]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  /** The user a login name (username or email) names, with their password hash. */
  async userForLogin(login: string): Promise<{ user: UserRecord; passwordHash: string | null } | null> {
    const { rows } = await this.db.query<UserRow & { password_hash: string | null }>({ ...USER_BY_LOGIN, values: [login] });
    return rows[0] ? { user: toUser(rows[0]), passwordHash: rows[0].password_hash } : null;
  }

  /** `pattern` is an ILIKE pattern (already escaped), or null for every user. */
  async listUsers(pattern: string | null, after: string | null, limit: number): Promise<UserRecord[]> {
    const { rows } = await this.db.query<UserRow>(LIST_USERS, [pattern, after, limit]);
    return rows.map(toUser);
  }

  async setPasswordHash(userId: string, passwordHash: string): Promise<boolean> {
    return ((await this.db.query(SET_PASSWORD_HASH, [userId, passwordHash])).rowCount ?? 0) > 0;
  }

  async replacePasswordHash(userId: string, verifiedHash: string, newHash: string): Promise<boolean> {
    return ((await this.db.query(REPLACE_PASSWORD_HASH, [userId, verifiedHash, newHash])).rowCount ?? 0) > 0;
  }

  /** Whether the user exists, and how many sessions disabling them ended. */
  async setActive(userId: string, active: boolean): Promise<{ found: boolean; sessionsRevoked: number }> {
    const { rows } = await this.db.query<{ users: number; sessions: number }>(SET_ACTIVE, [userId, active]);
    return { found: rows[0]!.users > 0, sessionsRevoked: rows[0]!.sessions };
  }

  async groupsOf(userId: string): Promise<string[]> {
    const { rows } = await this.db.query<{ groups: string[] }>(GROUPS_OF, [userId]);
    return rows[0]!.groups;
  }

  async activeUserWithGroups(userId: string): Promise<{ user: UserRecord; groups: string[] } | null> {
    const { rows } = await this.db.query<UserRow & { groups: string[] }>({ ...ACTIVE_USER_WITH_GROUPS, values: [userId] });
    return rows[0] ? { user: toUser(rows[0]), groups: rows[0].groups } : null;
  }

  async insertGroup(name: string, description: string | null): Promise<{ id: string; name: string }> {
    const { rows } = await this.db.query<{ id: string; name: string }>(INSERT_GROUP, [name, description]);
    return rows[0]!;
  }

  /** Adds (or removes) a membership by names; says which of the two names exist. */
  async changeMembership(change: 'add' | 'remove', groupName: string, username: string): Promise<{ groupFound: boolean; userFound: boolean }> {
    const { rows } = await this.db.query<{ group_id: string | null; user_id: string | null }>(change === 'add' ? ADD_MEMBER : REMOVE_MEMBER, [groupName, username]);
    return { groupFound: rows[0]!.group_id !== null, userFound: rows[0]!.user_id !== null };
  }

  /** Null when the user does not exist or is inactive. */
  async insertSession(session: NewSession): Promise<{ session: SessionRecord; user: UserRecord; groups: string[] } | null> {
    const { rows } = await this.db.query<AuthenticatedRow>({
      ...INSERT_SESSION,
      values: [session.tokenHash, session.userId, session.absoluteSeconds, session.idleSeconds, session.authTime, session.authMethods, session.ip, session.userAgent],
    });
    return rows[0] ? toAuthenticated(rows[0]) : null;
  }

  async authenticate(lookup: SessionLookup): Promise<{ session: SessionRecord; user: UserRecord; groups: string[] } | null> {
    const { rows } = await this.db.query<AuthenticatedRow>({
      ...AUTHENTICATE,
      values: [lookup.tokenHash, lookup.ip, lookup.userAgent, lookup.idleSeconds, lookup.slideIntervalSeconds],
    });
    return rows[0] ? toAuthenticated(rows[0]) : null;
  }

  async deleteSession(sessionId: string): Promise<boolean> {
    return ((await this.db.query(DELETE_SESSION, [sessionId])).rowCount ?? 0) > 0;
  }

  async deleteSessionsOfUser(userId: string): Promise<number> {
    return (await this.db.query(DELETE_SESSIONS_OF_USER, [userId])).rowCount ?? 0;
  }

  async liveSessionsOfUser(userId: string): Promise<SessionRecord[]> {
    const { rows } = await this.db.query<SessionRow>(LIVE_SESSIONS_OF_USER, [userId]);
    return rows.map(toSession);
  }

  async hasAdmin(): Promise<boolean> {
    const { rows } = await this.db.query<{ has_admin: boolean }>(HAS_ADMIN);
    return rows[0]!.has_admin;
  }
}
