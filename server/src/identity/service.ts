// The identity service: users, groups, passwords, sessions and reset links, for the other domains and the CLI.
// Its changes run on the pool, or together in one transaction (`transaction`), which is how the admin API records
// an event in the same commit as the change it describes.
import net from 'node:net';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { PasswordPolicy, SessionSettings } from '../admin/settings/schemas.ts';
import { IdentityError } from './errors.ts';
import { inTransaction } from '../db/transaction.ts';
import { containsPattern, IdentityRepo, violatedUniqueIndex, type MembershipChange } from './repo.ts';
import { checkPasswordPolicy, createArgon2idHasher, unguessablePassword, type PasswordHasher, type PasswordOwner } from './passwords.ts';
import { IdentityPolicy } from './policy.ts';
import { checkDisplayName, checkEmail, checkGroupDescription, checkGroupName, checkUsername, PASSWORD_MAX_LENGTH } from './schemas.ts';
import { SESSION_SLIDE_INTERVAL_SECONDS, hashSessionToken, isWellFormedSessionToken, newSessionToken, sessionLifetimes } from './sessions.ts';
import { createSessionCookie, type SessionCookie } from './session-cookie.ts';

export interface UserRecord {
  id: string;
  username: string;
  email: string | null;
  emailVerified: boolean;
  displayName: string | null;
  isActive: boolean;
  isAdmin: boolean;
  attributes: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

export interface GroupRecord {
  id: string;
  name: string;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface GroupRef {
  id: string;
  name: string;
}

export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  idleExpiresAt: Date;
  authTime: Date;
  authMethods: string[];
  lastIp: string | null;
  userAgent: string | null;
}

export interface AuthenticatedSession {
  session: SessionRecord;
  user: UserRecord;
  groups: string[];
}

/** A session that was revoked, and whose it was. */
export interface RevokedSession {
  sessionId: string;
  userId: string;
  username: string;
}

/** OIDC Core 5.1 standard claims, plus groups. */
export interface OidcClaims {
  sub: string;
  email?: string;
  email_verified?: boolean;
  preferred_username: string;
  name?: string;
  groups: string[];
}

export interface NewUserInput {
  username: string;
  email?: string;
  displayName?: string;
  password?: string;
  isAdmin?: boolean;
  emailVerified?: boolean;
}

/** The properties of a user an admin changes; absent ones stay as they are. */
export interface UserChanges {
  email?: string | null;
  emailVerified?: boolean;
  displayName?: string | null;
  isAdmin?: boolean;
  /** Disabling also ends the user's sessions. */
  isActive?: boolean;
}

export interface SessionMeta {
  /** false: look the session up without counting it as a use (no idle-expiry slide, no last-seen update). */
  slide?: false;
  ip?: string;
  userAgent?: string;
}

/**
 * A password check's outcome. Every outcome costs one argon2id verification, so the time taken does not tell them
 * apart; only the server (its event log) learns the reason.
 */
export type PasswordCheck =
  | { ok: true; user: UserRecord }
  | { ok: false; reason: 'unknown_user'; user: null }
  /** The user exists; the password is wrong, or they have none. */
  | { ok: false; reason: 'wrong_password' | 'disabled'; user: UserRecord };

/** Everything the service does with data; on the pool, or inside a transaction. */
export interface IdentityOperations {
  /** Throws invalid_username, invalid_email, invalid_display_name, password_too_short/long/is_username, username_taken, email_taken. */
  createUser(input: NewUserInput): Promise<UserRecord>;
  findUserById(id: string): Promise<UserRecord | null>;
  /** By username only, regardless of case. */
  findUserByUsername(username: string): Promise<UserRecord | null>;
  /** By username or email, regardless of case; a username match wins over another user's email. */
  findUserByLogin(usernameOrEmail: string): Promise<UserRecord | null>;
  /** In username order; `after` is the last username of the previous page. */
  listUsers(options?: { search?: string; limit?: number; after?: string }): Promise<UserRecord[]>;
  /**
   * Changes what is given, atomically. Disabling ends the user's sessions. Throws user_not_found, invalid_email,
   * invalid_display_name, email_taken, and last_admin when it would leave no active admin.
   */
  updateUser(userId: string, changes: UserChanges): Promise<{ before: UserRecord; after: UserRecord; sessionsRevoked: number }>;
  /** Throws user_not_found, and last_admin for the last active admin. Returns the user as they were. */
  deleteUser(userId: string): Promise<UserRecord>;
  /** Throws password_too_short/long/is_username, user_not_found. Leaves the user's sessions alone. */
  setPassword(userId: string, password: string): Promise<void>;
  /** Disabling also revokes the user's sessions. Throws user_not_found. (No last-admin rule: see updateUser.) */
  setActive(userId: string, active: boolean): Promise<void>;
  /** The check behind every password sign-in; see PasswordCheck. Rehashes when the stored parameters are weaker. */
  checkPassword(login: string, password: string): Promise<PasswordCheck>;
  /**
   * Null for unknown user, wrong password, inactive user or no password — indistinguishable, in about the same
   * time (one argon2id verification in every case). Rehashes when the stored parameters are below the current ones.
   */
  verifyPassword(login: string, password: string): Promise<UserRecord | null>;
  groupsOf(userId: string): Promise<string[]>;
  /** The user's groups with their ids, by name. */
  groupRefsOf(userId: string): Promise<GroupRef[]>;
  /** Makes the user a member of exactly these groups. Throws user_not_found, group_not_found (field groupIds). */
  setGroupsOfUser(userId: string, groupIds: string[]): Promise<{ before: GroupRef[]; after: GroupRef[] }>;
  /** Null for unknown or inactive users; sub = user id (stable). */
  claimsFor(userId: string): Promise<OidcClaims | null>;
  /** Throws invalid_group_name, invalid_description, group_taken. */
  createGroup(name: string, description?: string): Promise<{ id: string; name: string }>;
  findGroupById(id: string): Promise<GroupRecord | null>;
  /** Throws group_not_found, invalid_group_name, invalid_description, group_taken. */
  updateGroup(id: string, changes: { name?: string; description?: string | null }): Promise<{ before: GroupRecord; after: GroupRecord }>;
  /** Throws group_not_found. Returns the group as it was. */
  deleteGroup(id: string): Promise<GroupRecord>;
  /** Adding an existing member changes nothing. Throws group_not_found, user_not_found. */
  addMember(groupName: string, username: string): Promise<MembershipChange>;
  /** Removing a non-member changes nothing. Throws group_not_found, user_not_found. */
  removeMember(groupName: string, username: string): Promise<MembershipChange>;
  addMemberById(groupId: string, userId: string): Promise<MembershipChange>;
  removeMemberById(groupId: string, userId: string): Promise<MembershipChange>;
  /**
   * With the lifetimes of the current settings. The token goes in the cookie and nowhere else; with it, the new
   * session as authenticate() would answer it (for SessionCookie.setSessionCookie). Throws user_not_found, user_disabled.
   */
  createSession(userId: string, meta: SessionMeta & { authMethods: string[]; authTime?: Date }): Promise<AuthenticatedSession & { token: string }>;
  /** ONE SQL statement: session + user + groups, refusing expired/idle-expired/revoked sessions and inactive users; slides idle expiry (at most once a minute, in the same statement). */
  authenticate(token: string, meta?: SessionMeta): Promise<AuthenticatedSession | null>;
  /** False when there was no such session. */
  revokeSession(sessionId: string): Promise<boolean>;
  /**
   * Revokes one session and says whose it was; null when there was no such session (or, with `ofUser`, none of that
   * user's: the portal ends only its user's own sessions).
   */
  endSession(sessionId: string, options?: { ofUser?: string }): Promise<RevokedSession | null>;
  /** How many sessions were revoked; `except` keeps one (the browser asking). */
  revokeSessionsOfUser(userId: string, options?: { except?: string }): Promise<number>;
  /** The sessions still valid, most recently used first. */
  listSessionsOfUser(userId: string): Promise<SessionRecord[]>;
  /** Whether an active admin exists. */
  hasAdmin(): Promise<boolean>;
  /**
   * A one-time link token for the user to choose a password (valid PASSWORD_RESET_TTL_SECONDS, replacing any earlier
   * one; only its SHA-256 is kept). Throws user_not_found, user_is_disabled.
   */
  createPasswordResetLink(userId: string, createdBy: string | null): Promise<{ token: string; expiresAt: Date; user: UserRecord }>;
  /** The active user a live link is for; null for any other token. */
  userOfPasswordResetLink(token: string): Promise<UserRecord | null>;
  /**
   * Sets the password the link's user chose (the policy applies), uses up the link and ends every session of the user.
   * Null when the link is not (or no longer) valid. Throws password_too_short/long/is_username.
   */
  resetPasswordWithLink(token: string, password: string): Promise<{ user: UserRecord; sessionsRevoked: number } | null>;
}

/** Operations inside one transaction, and its connection for other statements of the same commit (an event). */
export interface IdentityTransaction extends IdentityOperations {
  readonly db: pg.ClientBase;
}

export interface IdentityService extends IdentityOperations {
  /** Runs work in one transaction: everything it does through `tx` (and on tx.db) commits, or nothing does. */
  transaction<T>(work: (tx: IdentityTransaction) => Promise<T>): Promise<T>;
  /** Session lifetimes for sessions made from now on (Settings → Sessions). */
  sessionSettings(): Promise<SessionSettings>;
  /** Throws invalid_session_settings. Every instance uses the new lifetimes for its next session. */
  setSessionSettings(settings: SessionSettings): Promise<SessionSettings>;
  /** The rules every new password must meet (Settings → Passwords). */
  passwordPolicy(): Promise<PasswordPolicy>;
  /** Throws invalid_password_policy. Applies to the next password set anywhere. */
  setPasswordPolicy(policy: PasswordPolicy): Promise<PasswordPolicy>;
  /** Reading and writing the session cookie of an HTTP request. */
  readonly sessionCookie: SessionCookie;
}

export interface IdentityDeps {
  /** A pool: transactions take a connection of their own. */
  pool: Pick<pg.Pool, 'query' | 'connect'>;
  /** Where users reach this instance: decides the cookie's name and Secure attribute. */
  publicUrl: string;
  logger?: Logger;
  /** Defaults to argon2id at ARGON2ID_PARAMETERS. */
  hasher?: PasswordHasher;
  /** Session lifetimes and password policy; defaults to reading them from the database each time (no bus, no copy). */
  policy?: IdentityPolicy;
}

/** How long a password-reset link works. */
export const PASSWORD_RESET_TTL_SECONDS = 24 * 60 * 60;

/** A slide interval no session reaches (68 years): the lookup then never slides. */
const NEVER_SLIDE_SECONDS = 2 ** 31 - 1;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const USER_AGENT_MAX_LENGTH = 512;
const LIST_LIMIT_DEFAULT = 100;
const LIST_LIMIT_MAX = 1_000;

type Atomic = <T>(work: (repo: IdentityRepo) => Promise<T>) => Promise<T>;

export function createIdentityService(deps: IdentityDeps): IdentityService {
  const hasher = deps.hasher ?? createArgon2idHasher();
  const policy = deps.policy ?? new IdentityPolicy(deps.pool);
  // Verified against when there is no real hash, so that case costs the same time as a wrong password.
  // Made once, at the current parameters (a weaker dummy would be faster, and tell).
  const dummyHash = hasher.hash(unguessablePassword());
  dummyHash.catch(() => undefined);

  function transaction<T>(work: (tx: IdentityTransaction) => Promise<T>): Promise<T> {
    return inTransaction(deps.pool, (client) => {
      const repo = new IdentityRepo(client);
      return work({ ...operations(repo, (step) => step(repo)), db: client });
    });
  }


  /** The password's hash, once it meets the policy of now. */
  async function hashFor(password: string, owner: PasswordOwner): Promise<string> {
    checkPasswordPolicy(password, await policy.passwordPolicy(), owner);
    return hasher.hash(password);
  }

  function operations(repo: IdentityRepo, atomic: Atomic): IdentityOperations {
    async function rehash(user: UserRecord, verifiedHash: string, password: string): Promise<void> {
      try {
        await repo.replacePasswordHash(user.id, verifiedHash, await hasher.hash(password));
      } catch (error) {
        // The login itself succeeded; the next one tries again.
        deps.logger?.warn({ err: error, userId: user.id }, 'could not rehash a password with the current parameters');
      }
    }

    async function existingUser(userId: string, load: (id: string) => Promise<UserRecord | null> = (id) => repo.userById(id)): Promise<UserRecord> {
      const user = UUID.test(userId) ? await load(userId) : null;
      if (!user) throw new IdentityError('user_not_found', 'There is no such user.');
      return user;
    }

    async function existingGroup(repoOfStep: IdentityRepo, groupId: string, forUpdate = false): Promise<GroupRecord> {
      const group = UUID.test(groupId) ? await repoOfStep.groupById(groupId, { forUpdate }) : null;
      if (!group) throw new IdentityError('group_not_found', 'There is no such group.');
      return group;
    }

    /** A change that takes an active admin away needs another active admin to remain (under lockAdmins). */
    async function refuseLastAdmin(repoOfStep: IdentityRepo, user: UserRecord, what: string): Promise<void> {
      if (!(user.isAdmin && user.isActive)) return;
      if ((await repoOfStep.otherActiveAdmins(user.id)) === 0) {
        throw new IdentityError('last_admin', `${user.username} is the only active admin, so they cannot be ${what}. Make someone else an admin first.`);
      }
    }

    async function changeMembership(change: 'add' | 'remove', by: 'name' | 'id', group: string, user: string): Promise<MembershipChange> {
      if (by === 'id' && !UUID.test(group)) throw new IdentityError('group_not_found', 'There is no such group.');
      if (by === 'id' && !UUID.test(user)) throw new IdentityError('user_not_found', 'There is no such user.');
      const result = await repo.changeMembership(change, by, group, user);
      if (!result.group) throw new IdentityError('group_not_found', by === 'name' ? `There is no group "${group}".` : 'There is no such group.');
      if (!result.user) throw new IdentityError('user_not_found', by === 'name' ? `There is no user "${user}".` : 'There is no such user.');
      return result;
    }

    const self: IdentityOperations = {
      async createUser(input) {
        checkUsername(input.username);
        if (input.email !== undefined) checkEmail(input.email);
        if (input.displayName !== undefined) checkDisplayName(input.displayName);
        const passwordHash = input.password === undefined ? null : await hashFor(input.password, { username: input.username, email: input.email });
        try {
          return await repo.insertUser({
            username: input.username,
            email: input.email ?? null,
            emailVerified: input.email !== undefined && input.emailVerified === true,
            displayName: input.displayName ?? null,
            passwordHash,
            isAdmin: input.isAdmin === true,
          });
        } catch (error) {
          const index = violatedUniqueIndex(error);
          if (index === 'users_username_lower') throw new IdentityError('username_taken', `The username "${input.username}" is taken (usernames are compared regardless of case).`);
          if (index === 'users_email_lower') throw new IdentityError('email_taken', `Another user has the email address "${input.email}".`);
          throw error;
        }
      },

      async findUserById(id) {
        return UUID.test(id) ? repo.userById(id) : null;
      },

      findUserByUsername: (username) => repo.userByUsername(username),

      async findUserByLogin(login) {
        return (await repo.userForLogin(login))?.user ?? null;
      },

      async listUsers(options = {}) {
        const limit = Math.min(Math.max(1, Math.floor(options.limit ?? LIST_LIMIT_DEFAULT)), LIST_LIMIT_MAX);
        const search = options.search?.trim();
        const pattern = search ? containsPattern(search) : null;
        return repo.listUsers(pattern, options.after ?? null, limit);
      },

      async updateUser(userId, changes) {
        if (typeof changes.email === 'string') checkEmail(changes.email);
        if (typeof changes.displayName === 'string') checkDisplayName(changes.displayName);
        const mayRemoveAnAdmin = changes.isAdmin === false || changes.isActive === false;
        return atomic(async (step) => {
          if (mayRemoveAnAdmin) await step.lockAdmins();
          const before = await existingUser(userId, (id) => step.userForUpdate(id));
          if (changes.isAdmin === false) await refuseLastAdmin(step, before, 'removed as admin');
          else if (changes.isActive === false) await refuseLastAdmin(step, before, 'disabled');
          try {
            const { user: after, sessionsRevoked } = (await step.updateUser(userId, changes))!;
            return { before, after, sessionsRevoked };
          } catch (error) {
            if (violatedUniqueIndex(error) === 'users_email_lower') throw new IdentityError('email_taken', `Another user has the email address "${changes.email}".`);
            throw error;
          }
        });
      },

      async deleteUser(userId) {
        return atomic(async (step) => {
          await step.lockAdmins();
          const user = await existingUser(userId, (id) => step.userForUpdate(id));
          await refuseLastAdmin(step, user, 'deleted');
          await step.deleteUser(userId);
          return user;
        });
      },

      async setPassword(userId, password) {
        const user = await existingUser(userId);
        const passwordHash = await hashFor(password, user);
        if (!(await repo.setPasswordHash(userId, passwordHash))) throw new IdentityError('user_not_found', 'There is no such user.');
      },

      async setActive(userId, active) {
        if (!UUID.test(userId) || !(await repo.setActive(userId, active)).found) throw new IdentityError('user_not_found', 'There is no such user.');
      },

      async checkPassword(login, password) {
        // A password longer than any we accept cannot be right; it is not hashed, so it cannot cost more time.
        const candidate = password.length > PASSWORD_MAX_LENGTH * 2 ? unguessablePassword() : password;
        const found = await repo.userForLogin(login);
        const storedHash = found?.passwordHash ?? (await dummyHash);
        // Always exactly one verification: no early return reveals whether the user exists, is active or has a password.
        const matches = await hasher.verify(storedHash, candidate);
        if (!found) return { ok: false, reason: 'unknown_user', user: null };
        if (!found.user.isActive) return { ok: false, reason: 'disabled', user: found.user };
        if (!found.passwordHash || !matches || candidate !== password) return { ok: false, reason: 'wrong_password', user: found.user };
        if (hasher.needsRehash(found.passwordHash)) await rehash(found.user, found.passwordHash, password);
        return { ok: true, user: found.user };
      },

      async verifyPassword(login, password) {
        const check = await self.checkPassword(login, password);
        return check.ok ? check.user : null;
      },

      async groupsOf(userId) {
        return UUID.test(userId) ? repo.groupsOf(userId) : [];
      },

      async groupRefsOf(userId) {
        return UUID.test(userId) ? repo.groupRefsOf(userId) : [];
      },

      async setGroupsOfUser(userId, groupIds) {
        const malformed = groupIds.find((id) => !UUID.test(id));
        if (malformed !== undefined) throw new IdentityError('group_not_found', `There is no group with the id "${malformed}".`, 'groupIds');
        const wanted = [...new Set(groupIds.map((id) => id.toLowerCase()))];
        return atomic(async (step) => {
          await existingUser(userId, (id) => step.userForUpdate(id));
          const existing = await step.existingGroupIds(wanted);
          const missing = wanted.find((id) => !existing.has(id));
          if (missing !== undefined) throw new IdentityError('group_not_found', `There is no group with the id "${missing}" (it may have been deleted). Reload and choose again.`, 'groupIds');
          const before = await step.groupRefsOf(userId);
          const changed = await step.setGroupsOfUser(userId, wanted);
          return { before, after: changed === 0 ? before : await step.groupRefsOf(userId) };
        });
      },

      async claimsFor(userId) {
        const found = UUID.test(userId) ? await repo.activeUserWithGroups(userId) : null;
        return found ? claimsOf(found.user, found.groups) : null;
      },

      async createGroup(name, description) {
        checkGroupName(name);
        if (description !== undefined) checkGroupDescription(description);
        try {
          return await repo.insertGroup(name, description ?? null);
        } catch (error) {
          if (violatedUniqueIndex(error) === 'groups_name_lower') throw new IdentityError('group_taken', `The group "${name}" exists already (group names are compared regardless of case).`);
          throw error;
        }
      },

      async findGroupById(id) {
        return UUID.test(id) ? repo.groupById(id) : null;
      },

      async updateGroup(id, changes) {
        if (changes.name !== undefined) checkGroupName(changes.name);
        if (typeof changes.description === 'string') checkGroupDescription(changes.description);
        return atomic(async (step) => {
          const before = await existingGroup(step, id, true);
          try {
            return { before, after: (await step.updateGroup(id, changes))! };
          } catch (error) {
            if (violatedUniqueIndex(error) === 'groups_name_lower') throw new IdentityError('group_taken', `The group "${changes.name}" exists already (group names are compared regardless of case).`);
            throw error;
          }
        });
      },

      async deleteGroup(id) {
        const deleted = UUID.test(id) ? await repo.deleteGroup(id) : null;
        if (!deleted) throw new IdentityError('group_not_found', 'There is no such group.');
        return deleted;
      },

      addMember: (groupName, username) => changeMembership('add', 'name', groupName, username),
      removeMember: (groupName, username) => changeMembership('remove', 'name', groupName, username),
      addMemberById: (groupId, userId) => changeMembership('add', 'id', groupId, userId),
      removeMemberById: (groupId, userId) => changeMembership('remove', 'id', groupId, userId),

      async createSession(userId, meta) {
        const { token, tokenHash } = newSessionToken();
        const { absoluteSeconds, idleSeconds } = sessionLifetimes(await policy.sessionSettings());
        const created = UUID.test(userId)
          ? await repo.insertSession({
              tokenHash,
              userId,
              absoluteSeconds,
              idleSeconds,
              authTime: meta.authTime ?? null,
              authMethods: meta.authMethods,
              ...requestMeta(meta),
            })
          : null;
        if (!created) {
          await existingUser(userId);
          throw new IdentityError('user_disabled', 'This user is disabled and cannot log in.');
        }
        return { token, ...created };
      },

      async authenticate(token, meta = {}) {
        if (!isWellFormedSessionToken(token)) return null;
        return repo.authenticate({
          tokenHash: hashSessionToken(token),
          // A check that is not a use (a live-updates socket re-checking its session) must not keep the session alive.
          slideIntervalSeconds: meta.slide === false ? NEVER_SLIDE_SECONDS : SESSION_SLIDE_INTERVAL_SECONDS,
          ...requestMeta(meta),
        });
      },

      async revokeSession(sessionId) {
        return (await self.endSession(sessionId)) !== null;
      },

      async endSession(sessionId, options = {}) {
        if (!UUID.test(sessionId) || (options.ofUser !== undefined && !UUID.test(options.ofUser))) return null;
        return repo.deleteSession(sessionId, options.ofUser ?? null);
      },

      async revokeSessionsOfUser(userId, options = {}) {
        const except = options.except !== undefined && UUID.test(options.except) ? options.except : null;
        return UUID.test(userId) ? repo.deleteSessionsOfUser(userId, except) : 0;
      },

      async listSessionsOfUser(userId) {
        return UUID.test(userId) ? repo.liveSessionsOfUser(userId) : [];
      },

      hasAdmin: () => repo.hasAdmin(),

      async createPasswordResetLink(userId, createdBy) {
        const user = await existingUser(userId);
        // The same shape as a session token: 256 random bits in the link, their SHA-256 in the table.
        const { token, tokenHash } = newSessionToken();
        const expiresAt = await repo.savePasswordReset({ userId, tokenSha256: tokenHash, createdBy, ttlSeconds: PASSWORD_RESET_TTL_SECONDS });
        if (!expiresAt) {
          await existingUser(userId);
          throw new IdentityError('user_is_disabled', `${user.username} is disabled, so a reset link would not work. Enable them first.`);
        }
        return { token, expiresAt, user };
      },

      async userOfPasswordResetLink(token) {
        return isWellFormedSessionToken(token) ? repo.userOfPasswordReset(hashSessionToken(token)) : null;
      },

      async resetPasswordWithLink(token, password) {
        const user = await self.userOfPasswordResetLink(token);
        if (!user) return null;
        const passwordHash = await hashFor(password, user);
        return repo.resetPassword(hashSessionToken(token), user.id, passwordHash);
      },
    };
    return self;
  }

  const onPool = new IdentityRepo(deps.pool);
  const service = operations(onPool, (work) => transaction((tx) => work(new IdentityRepo(tx.db))));
  return {
    ...service,
    transaction,
    sessionSettings: () => policy.sessionSettings(),
    setSessionSettings: (settings) => policy.setSessionSettings(settings),
    passwordPolicy: () => policy.passwordPolicy(),
    setPasswordPolicy: (value) => policy.setPasswordPolicy(value),
    sessionCookie: createSessionCookie(deps.publicUrl, service.authenticate, () => sessionLifetimes(policy.lastSessionSettings()).absoluteSeconds),
  };
}

/** The claims of a user read with their groups (an active user: claimsFor, or an authenticated session). */
export function claimsOf(user: UserRecord, groups: string[]): OidcClaims {
  return {
    sub: user.id,
    preferred_username: user.username,
    ...(user.email === null ? {} : { email: user.email, email_verified: user.emailVerified }),
    ...(user.displayName === null ? {} : { name: user.displayName }),
    groups: [...groups],
  };
}

/** An address PostgreSQL's inet accepts, and a user agent within the column's limit. */
function requestMeta(meta: SessionMeta): { ip: string | null; userAgent: string | null } {
  // inet has no IPv6 zone (fe80::1%eth0).
  const ip = meta.ip?.split('%')[0];
  return {
    ip: ip !== undefined && net.isIP(ip) !== 0 ? ip : null,
    userAgent: meta.userAgent ? meta.userAgent.slice(0, USER_AGENT_MAX_LENGTH) : null,
  };
}
