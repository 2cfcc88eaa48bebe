// The identity domain's SQL: users, groups, memberships, sessions. Every statement is parameterized;
// each hot one names the index it relies on (migration 20261128100000_identity.sql).
// The statements of every login and authenticated request are named (prepared once per connection): PostgreSQL
// then skips parsing and planning them again, which is a good part of their cost on this path.
import type pg from 'pg';
import { LOCK_KEY_SQL } from '../platform/locks.ts';
import type { GroupRecord, GroupRef, RevokedSession, SessionRecord, UserChanges, UserRecord } from './service.ts';

/** What the repo needs of a pool (the server's, or the CLI's). */
export type Queryable = Pick<pg.Pool, 'query'>;

const USER_COLUMNS = 'id, username, email, email_verified, display_name, is_active, is_admin, attributes, created_at, updated_at';
const GROUP_COLUMNS = 'id, name, description, created_at, updated_at';
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

interface GroupRow {
  id: string;
  name: string;
  description: string | null;
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
  slideIntervalSeconds: number;
}

/** A LIKE pattern for "contains": the search's own wildcards escaped, so a search for "50%" finds "50%". */
export function containsPattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
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

/**
 * Adds or removes one membership, the group and user named by name (groups_name_lower, users_username_lower) or by id
 * (primary keys); an existing membership is left as it is, as is a missing one. Answers who was found, and whether
 * anything changed (the group_members primary key decides).
 */
function membershipSql(change: 'add' | 'remove', by: 'name' | 'id'): string {
  const group = by === 'name' ? 'lower(name) = lower($1)' : 'id = $1::uuid';
  const user = by === 'name' ? 'lower(username) = lower($2)' : 'id = $2::uuid';
  const changeSql = change === 'add'
    ? 'INSERT INTO group_members (group_id, user_id) SELECT g.id, u.id FROM g, u ON CONFLICT DO NOTHING RETURNING 1'
    : 'DELETE FROM group_members WHERE group_id IN (SELECT id FROM g) AND user_id IN (SELECT id FROM u) RETURNING 1';
  return `
  WITH g AS (SELECT id, name FROM groups WHERE ${group}),
       u AS (SELECT id, username FROM users WHERE ${user}),
       changed AS (${changeSql})
  SELECT (SELECT id FROM g) AS group_id, (SELECT name FROM g) AS group_name, (SELECT id FROM u) AS user_id,
         (SELECT username FROM u) AS username, EXISTS (SELECT 1 FROM changed) AS changed`;
}

const MEMBERSHIP = {
  add: { name: membershipSql('add', 'name'), id: membershipSql('add', 'id') },
  remove: { name: membershipSql('remove', 'name'), id: membershipSql('remove', 'id') },
} as const;

// Only for an active user (primary key). The database's clock sets both expiries, so every instance agrees.
// The session keeps its idle lifetime (the settings' value now), which AUTHENTICATE slides it by.
// Answers as AUTHENTICATE does (session, user, groups): the request that signs in knows its session at once.
const INSERT_SESSION = { name: 'identity_insert_session', text: `
  WITH account AS (
    SELECT ${USER_COLUMNS}, ${GROUP_NAMES_OF.replace('%USER%', 'users.id')} AS groups FROM users WHERE id = $2 AND is_active
  ), inserted AS (
    INSERT INTO sessions (token_hash, user_id, expires_at, idle_expires_at, idle_lifetime_seconds, auth_time, auth_methods, last_ip, user_agent)
    SELECT $1, id, now() + make_interval(secs => $3), now() + make_interval(secs => least($3, $4)), least($3, $4),
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
 * The idle expiry slides in the same statement by the session's own idle lifetime, at most once per $4 seconds, never
 * past the absolute expiry; the outer SELECT reads the updated values through the `slid` CTE (it would otherwise see
 * the old row).
 * $1 token hash, $2 ip, $3 user agent, $4 slide interval seconds.
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
        idle_expires_at = least(s.expires_at, now() + make_interval(secs => s.idle_lifetime_seconds)),
        last_ip = coalesce($2::inet, s.last_ip),
        user_agent = coalesce($3::text, s.user_agent)
    FROM found
    WHERE s.id = found.session_id AND found.last_seen_at <= now() - make_interval(secs => $4)
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

// Primary key; only the given user's when $2 is set. Answers whose session it was (an event about it names the user).
const DELETE_SESSION = `
  WITH gone AS (DELETE FROM sessions WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2) RETURNING id, user_id)
  SELECT gone.id AS session_id, u.id AS user_id, u.username FROM gone JOIN users u ON u.id = gone.user_id`;
// sessions_user; all of them, or all but the one in $2 (the browser that asks keeps its own).
const DELETE_SESSIONS_OF_USER = `DELETE FROM sessions WHERE user_id = $1 AND id IS DISTINCT FROM $2::uuid`;
// sessions_user; the ones still valid, most recently used first.
const LIVE_SESSIONS_OF_USER = `
  SELECT ${SESSION_COLUMNS} FROM sessions
  WHERE user_id = $1 AND idle_expires_at > now() AND expires_at > now()
  ORDER BY last_seen_at DESC`;

// users_active_admins.
const HAS_ADMIN = `SELECT EXISTS (SELECT 1 FROM users WHERE is_admin AND is_active) AS has_admin`;

// Primary key; the row stays locked until the transaction ends, so what was checked is what gets changed. NO KEY:
// an event that names the user (a foreign key's KEY SHARE lock) does not wait for it.
const USER_FOR_UPDATE = `SELECT ${USER_COLUMNS} FROM users WHERE id = $1 FOR NO KEY UPDATE`;

// Held until the transaction ends by every change that could remove the last active admin, so that two such changes
// (two admins demoting each other at once) run one after the other and the second sees the first. Taken before any
// row lock, so that no two of them can wait for each other.
const LOCK_ADMINS = `SELECT pg_advisory_xact_lock(${LOCK_KEY_SQL})`;
const ADMINS_LOCK_NAME = 'identity:admins';

// users_active_admins.
const OTHER_ACTIVE_ADMINS = `SELECT count(*)::int AS admins FROM users WHERE is_admin AND is_active AND id <> $1`;

// Primary key. Each column changes only when its flag says so ($2, $4, $6: whether email, verified, display name
// were given). An email address changed or removed is no longer verified, unless the same change says it is.
// Disabling ends every session of the user in the same statement (sessions_user).
const UPDATE_USER = `
  WITH changed AS (
    UPDATE users SET
      email = CASE WHEN $2::boolean THEN $3::text ELSE email END,
      email_verified = CASE
        WHEN (CASE WHEN $2::boolean THEN $3::text ELSE email END) IS NULL THEN false
        WHEN $4::boolean THEN $5::boolean
        WHEN $2::boolean AND lower($3::text) IS DISTINCT FROM lower(email) THEN false
        ELSE email_verified END,
      display_name = CASE WHEN $6::boolean THEN $7::text ELSE display_name END,
      is_admin = coalesce($8::boolean, is_admin),
      is_active = coalesce($9::boolean, is_active),
      updated_at = now()
    WHERE id = $1
    RETURNING ${USER_COLUMNS}
  ), revoked AS (
    DELETE FROM sessions WHERE user_id IN (SELECT id FROM changed WHERE NOT is_active) RETURNING id
  )
  SELECT changed.*, (SELECT count(*) FROM revoked)::int AS sessions_revoked FROM changed`;

// Primary key; memberships, sessions and reset links go with the user (ON DELETE CASCADE); events keep their label.
const DELETE_USER = `DELETE FROM users WHERE id = $1 RETURNING ${USER_COLUMNS}`;

// group_members_user, then the groups' primary key.
const GROUP_REFS_OF = `
  SELECT g.id, g.name FROM group_members gm JOIN groups g ON g.id = gm.group_id WHERE gm.user_id = $1 ORDER BY lower(g.name)`;

// Primary key.
const EXISTING_GROUP_IDS = `SELECT id FROM groups WHERE id = ANY($1::uuid[])`;

// group_members_user finds the memberships to drop; the primary key skips the ones the user has already.
const SET_GROUPS_OF_USER = `
  WITH removed AS (DELETE FROM group_members WHERE user_id = $1 AND NOT (group_id = ANY($2::uuid[])) RETURNING 1),
       added AS (INSERT INTO group_members (group_id, user_id) SELECT id, $1 FROM groups WHERE id = ANY($2::uuid[]) ON CONFLICT DO NOTHING RETURNING 1)
  SELECT (SELECT count(*) FROM removed)::int + (SELECT count(*) FROM added)::int AS changes`;

// Primary key.
const GROUP_BY_ID = `SELECT ${GROUP_COLUMNS} FROM groups WHERE id = $1`;
const GROUP_FOR_UPDATE = `SELECT ${GROUP_COLUMNS} FROM groups WHERE id = $1 FOR UPDATE`;

// Primary key (groups_name_lower keeps names unique). $3: whether the description was given.
const UPDATE_GROUP = `
  UPDATE groups SET name = coalesce($2, name), description = CASE WHEN $3::boolean THEN $4::text ELSE description END, updated_at = now()
  WHERE id = $1 RETURNING ${GROUP_COLUMNS}`;

// Primary key; memberships go with it (ON DELETE CASCADE).
const DELETE_GROUP = `DELETE FROM groups WHERE id = $1 RETURNING ${GROUP_COLUMNS}`;

// One link per user (primary key user_id): a new one replaces the old. Only for an active user.
const SAVE_PASSWORD_RESET = `
  INSERT INTO password_resets (user_id, token_sha256, created_by, expires_at)
  SELECT id, $2, (SELECT id FROM users WHERE id = $3::uuid), now() + make_interval(secs => $4) FROM users WHERE id = $1 AND is_active
  ON CONFLICT (user_id) DO UPDATE
    SET token_sha256 = excluded.token_sha256, created_by = excluded.created_by, created_at = now(), expires_at = excluded.expires_at
  RETURNING expires_at`;

// password_resets_token_sha256, then the users primary key.
const USER_OF_PASSWORD_RESET = `
  SELECT ${USER_COLUMNS.split(', ').map((column) => `u.${column}`).join(', ')}
  FROM password_resets r JOIN users u ON u.id = r.user_id
  WHERE r.token_sha256 = $1 AND r.expires_at > now() AND u.is_active`;

// Uses the link once: it is deleted by the statement that sets the password (of two submissions, one wins), which
// also ends every session of the user (sessions_user). $2, the user the link was checked for, guards against a new
// link made for someone else in between.
const RESET_PASSWORD = `
  WITH link AS (
    DELETE FROM password_resets r USING users u
    WHERE r.token_sha256 = $1 AND r.expires_at > now() AND r.user_id = $2 AND u.id = r.user_id AND u.is_active
    RETURNING r.user_id
  ), changed AS (
    UPDATE users SET password_hash = $3, password_changed_at = now(), updated_at = now()
    WHERE id IN (SELECT user_id FROM link)
    RETURNING ${USER_COLUMNS}
  ), revoked AS (
    DELETE FROM sessions WHERE user_id IN (SELECT id FROM changed) RETURNING id
  )
  SELECT changed.*, (SELECT count(*) FROM revoked)::int AS sessions_revoked FROM changed`;

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

function toGroup(row: GroupRow): GroupRecord {
  return { id: row.id, name: row.name, description: row.description, createdAt: row.created_at, updatedAt: row.updated_at };
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

  /** Adds (or removes) a membership by names or ids; says which of the two exist, and whether anything changed. */
  async changeMembership(change: 'add' | 'remove', by: 'name' | 'id', group: string, user: string): Promise<MembershipChange> {
    const { rows } = await this.db.query<{ group_id: string | null; group_name: string | null; user_id: string | null; username: string | null; changed: boolean }>(
      MEMBERSHIP[change][by],
      [group, user],
    );
    const row = rows[0]!;
    return {
      group: row.group_id === null ? null : { id: row.group_id, name: row.group_name! },
      user: row.user_id === null ? null : { id: row.user_id, username: row.username! },
      changed: row.changed,
    };
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
      values: [lookup.tokenHash, lookup.ip, lookup.userAgent, lookup.slideIntervalSeconds],
    });
    return rows[0] ? toAuthenticated(rows[0]) : null;
  }

  async deleteSession(sessionId: string, ofUserId: string | null = null): Promise<RevokedSession | null> {
    const { rows } = await this.db.query<{ session_id: string; user_id: string; username: string }>(DELETE_SESSION, [sessionId, ofUserId]);
    return rows[0] ? { sessionId: rows[0].session_id, userId: rows[0].user_id, username: rows[0].username } : null;
  }

  async deleteSessionsOfUser(userId: string, exceptSessionId: string | null = null): Promise<number> {
    return (await this.db.query(DELETE_SESSIONS_OF_USER, [userId, exceptSessionId])).rowCount ?? 0;
  }

  async liveSessionsOfUser(userId: string): Promise<SessionRecord[]> {
    const { rows } = await this.db.query<SessionRow>(LIVE_SESSIONS_OF_USER, [userId]);
    return rows.map(toSession);
  }

  async hasAdmin(): Promise<boolean> {
    const { rows } = await this.db.query<{ has_admin: boolean }>(HAS_ADMIN);
    return rows[0]!.has_admin;
  }

  /** In a transaction: the user, locked until it ends. */
  async userForUpdate(id: string): Promise<UserRecord | null> {
    const { rows } = await this.db.query<UserRow>(USER_FOR_UPDATE, [id]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  /** In a transaction, before any row lock: waits for other changes that could remove the last admin. */
  async lockAdmins(): Promise<void> {
    await this.db.query(LOCK_ADMINS, [ADMINS_LOCK_NAME]);
  }

  /** The active admins besides this user (after lockAdmins, so the count stays true until the transaction ends). */
  async otherActiveAdmins(userId: string): Promise<number> {
    const { rows } = await this.db.query<{ admins: number }>(OTHER_ACTIVE_ADMINS, [userId]);
    return rows[0]!.admins;
  }

  /** Null when there is no such user. */
  async updateUser(id: string, changes: UserChanges): Promise<{ user: UserRecord; sessionsRevoked: number } | null> {
    const { rows } = await this.db.query<UserRow & { sessions_revoked: number }>(UPDATE_USER, [
      id,
      'email' in changes, changes.email ?? null,
      changes.emailVerified !== undefined, changes.emailVerified ?? null,
      'displayName' in changes, changes.displayName ?? null,
      changes.isAdmin ?? null,
      changes.isActive ?? null,
    ]);
    return rows[0] ? { user: toUser(rows[0]), sessionsRevoked: rows[0].sessions_revoked } : null;
  }

  async deleteUser(id: string): Promise<UserRecord | null> {
    const { rows } = await this.db.query<UserRow>(DELETE_USER, [id]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  /** The user's groups with their ids, by name. */
  async groupRefsOf(userId: string): Promise<GroupRef[]> {
    const { rows } = await this.db.query<GroupRef>(GROUP_REFS_OF, [userId]);
    return rows;
  }

  /** Which of these group ids exist. */
  async existingGroupIds(ids: string[]): Promise<Set<string>> {
    const { rows } = await this.db.query<{ id: string }>(EXISTING_GROUP_IDS, [ids]);
    return new Set(rows.map((row) => row.id));
  }

  /** Makes the user's memberships exactly these groups (ids that exist); how many memberships changed. */
  async setGroupsOfUser(userId: string, groupIds: string[]): Promise<number> {
    const { rows } = await this.db.query<{ changes: number }>(SET_GROUPS_OF_USER, [userId, groupIds]);
    return rows[0]!.changes;
  }

  async groupById(id: string, options: { forUpdate?: boolean } = {}): Promise<GroupRecord | null> {
    const { rows } = await this.db.query<GroupRow>(options.forUpdate ? GROUP_FOR_UPDATE : GROUP_BY_ID, [id]);
    return rows[0] ? toGroup(rows[0]) : null;
  }

  async updateGroup(id: string, changes: { name?: string; description?: string | null }): Promise<GroupRecord | null> {
    const { rows } = await this.db.query<GroupRow>(UPDATE_GROUP, [id, changes.name ?? null, 'description' in changes, changes.description ?? null]);
    return rows[0] ? toGroup(rows[0]) : null;
  }

  async deleteGroup(id: string): Promise<GroupRecord | null> {
    const { rows } = await this.db.query<GroupRow>(DELETE_GROUP, [id]);
    return rows[0] ? toGroup(rows[0]) : null;
  }

  /** The link's expiry; null when the user does not exist or is disabled. */
  async savePasswordReset(link: { userId: string; tokenSha256: Buffer; createdBy: string | null; ttlSeconds: number }): Promise<Date | null> {
    const { rows } = await this.db.query<{ expires_at: Date }>(SAVE_PASSWORD_RESET, [link.userId, link.tokenSha256, link.createdBy, link.ttlSeconds]);
    return rows[0]?.expires_at ?? null;
  }

  /** The active user a live link is for. */
  async userOfPasswordReset(tokenSha256: Buffer): Promise<UserRecord | null> {
    const { rows } = await this.db.query<UserRow>(USER_OF_PASSWORD_RESET, [tokenSha256]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  /** Null when the link was used (or expired, or replaced) meanwhile. */
  async resetPassword(tokenSha256: Buffer, userId: string, passwordHash: string): Promise<{ user: UserRecord; sessionsRevoked: number } | null> {
    const { rows } = await this.db.query<UserRow & { sessions_revoked: number }>(RESET_PASSWORD, [tokenSha256, userId, passwordHash]);
    return rows[0] ? { user: toUser(rows[0]), sessionsRevoked: rows[0].sessions_revoked } : null;
  }
}

/** What a membership change found, and whether it changed anything. */
export interface MembershipChange {
  group: { id: string; name: string } | null;
  user: { id: string; username: string } | null;
  changed: boolean;
}
