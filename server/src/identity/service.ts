// The identity service: users, groups, passwords and sessions, for the other domains and the CLI.
import net from 'node:net';
import type { Logger } from 'pino';
import { IdentityError } from './errors.ts';
import { IdentityRepo, violatedUniqueIndex, type Queryable } from './repo.ts';
import { checkPasswordPolicy, createArgon2idHasher, unguessablePassword, type PasswordHasher } from './passwords.ts';
import { checkDisplayName, checkEmail, checkGroupDescription, checkGroupName, checkUsername, PASSWORD_MAX_LENGTH } from './schemas.ts';
import {
  SESSION_ABSOLUTE_LIFETIME_SECONDS,
  SESSION_IDLE_LIFETIME_SECONDS,
  SESSION_SLIDE_INTERVAL_SECONDS,
  hashSessionToken,
  isWellFormedSessionToken,
  newSessionToken,
} from './sessions.ts';
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

export interface SessionMeta {
  ip?: string;
  userAgent?: string;
}

export interface IdentityService {
  /** Throws invalid_username, invalid_email, invalid_display_name, password_too_short/long, username_taken, email_taken. */
  createUser(input: NewUserInput): Promise<UserRecord>;
  findUserById(id: string): Promise<UserRecord | null>;
  /** By username only, regardless of case. */
  findUserByUsername(username: string): Promise<UserRecord | null>;
  /** By username or email, regardless of case; a username match wins over another user's email. */
  findUserByLogin(usernameOrEmail: string): Promise<UserRecord | null>;
  /** In username order; `after` is the last username of the previous page. */
  listUsers(options?: { search?: string; limit?: number; after?: string }): Promise<UserRecord[]>;
  /** Throws password_too_short/long, user_not_found. Leaves the user's sessions alone. */
  setPassword(userId: string, password: string): Promise<void>;
  /** Disabling also revokes the user's sessions. Throws user_not_found. */
  setActive(userId: string, active: boolean): Promise<void>;
  /**
   * Null for unknown user, wrong password, inactive user or no password — indistinguishable, in about the same
   * time (one argon2id verification in every case). Rehashes when the stored parameters are below the current ones.
   */
  verifyPassword(login: string, password: string): Promise<UserRecord | null>;
  groupsOf(userId: string): Promise<string[]>;
  /** Null for unknown or inactive users; sub = user id (stable). */
  claimsFor(userId: string): Promise<OidcClaims | null>;
  /** Throws invalid_group_name, invalid_description, group_taken. */
  createGroup(name: string, description?: string): Promise<{ id: string; name: string }>;
  /** Adding an existing member does nothing. Throws group_not_found, user_not_found. */
  addMember(groupName: string, username: string): Promise<void>;
  /** Removing a non-member does nothing. Throws group_not_found, user_not_found. */
  removeMember(groupName: string, username: string): Promise<void>;
  /**
   * The token goes in the cookie and nowhere else; with it, the new session as authenticate() would answer it
   * (for SessionCookie.setSessionCookie). Throws user_not_found, user_disabled.
   */
  createSession(userId: string, meta: SessionMeta & { authMethods: string[]; authTime?: Date }): Promise<AuthenticatedSession & { token: string }>;
  /** ONE SQL statement: session + user + groups, refusing expired/idle-expired/revoked sessions and inactive users; slides idle expiry (at most once a minute, in the same statement). */
  authenticate(token: string, meta?: SessionMeta): Promise<AuthenticatedSession | null>;
  /** False when there was no such session. */
  revokeSession(sessionId: string): Promise<boolean>;
  /** How many sessions were revoked. */
  revokeSessionsOfUser(userId: string): Promise<number>;
  /** The sessions still valid, most recently used first. */
  listSessionsOfUser(userId: string): Promise<SessionRecord[]>;
  /** Whether an active admin exists. */
  hasAdmin(): Promise<boolean>;
  /** Reading and writing the session cookie of an HTTP request. */
  readonly sessionCookie: SessionCookie;
}

export interface IdentityDeps {
  pool: Queryable;
  /** Where users reach this instance: decides the cookie's name and Secure attribute. */
  publicUrl: string;
  logger?: Logger;
  /** Defaults to argon2id at ARGON2ID_PARAMETERS. */
  hasher?: PasswordHasher;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const USER_AGENT_MAX_LENGTH = 512;
const LIST_LIMIT_DEFAULT = 100;
const LIST_LIMIT_MAX = 1_000;

export function createIdentityService(deps: IdentityDeps): IdentityService {
  const repo = new IdentityRepo(deps.pool);
  const hasher = deps.hasher ?? createArgon2idHasher();
  // Verified against when there is no real hash, so that case costs the same time as a wrong password.
  // Made once, at the current parameters (a weaker dummy would be faster, and tell).
  const dummyHash = hasher.hash(unguessablePassword());
  dummyHash.catch(() => undefined);

  async function hashFor(password: string): Promise<string> {
    checkPasswordPolicy(password);
    return hasher.hash(password);
  }

  async function requireUser(userId: string): Promise<void> {
    if (!(await service.findUserById(userId))) throw new IdentityError('user_not_found', 'There is no such user.');
  }

  async function rehash(user: UserRecord, verifiedHash: string, password: string): Promise<void> {
    try {
      await repo.replacePasswordHash(user.id, verifiedHash, await hasher.hash(password));
    } catch (error) {
      // The login itself succeeded; the next one tries again.
      deps.logger?.warn({ err: error, userId: user.id }, 'could not rehash a password with the current parameters');
    }
  }

  const service: Omit<IdentityService, 'sessionCookie'> = {
    async createUser(input) {
      checkUsername(input.username);
      if (input.email !== undefined) checkEmail(input.email);
      if (input.displayName !== undefined) checkDisplayName(input.displayName);
      const passwordHash = input.password === undefined ? null : await hashFor(input.password);
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
      const pattern = search ? `%${search.replace(/[\\%_]/g, (character) => `\\${character}`)}%` : null;
      return repo.listUsers(pattern, options.after ?? null, limit);
    },

    async setPassword(userId, password) {
      const passwordHash = await hashFor(password);
      if (!UUID.test(userId) || !(await repo.setPasswordHash(userId, passwordHash))) throw new IdentityError('user_not_found', 'There is no such user.');
    },

    async setActive(userId, active) {
      if (!UUID.test(userId) || !(await repo.setActive(userId, active)).found) throw new IdentityError('user_not_found', 'There is no such user.');
    },

    async verifyPassword(login, password) {
      // A password longer than any we accept cannot be right; it is not hashed, so it cannot cost more time.
      const candidate = password.length > PASSWORD_MAX_LENGTH * 2 ? unguessablePassword() : password;
      const found = await repo.userForLogin(login);
      const storedHash = found?.passwordHash ?? (await dummyHash);
      // Always exactly one verification: no early return reveals whether the user exists, is active or has a password.
      const matches = await hasher.verify(storedHash, candidate);
      if (!found || !found.passwordHash || !matches || candidate !== password || !found.user.isActive) return null;
      if (hasher.needsRehash(found.passwordHash)) await rehash(found.user, found.passwordHash, password);
      return found.user;
    },

    async groupsOf(userId) {
      return UUID.test(userId) ? repo.groupsOf(userId) : [];
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

    async addMember(groupName, username) {
      await changeMembership('add', groupName, username);
    },

    async removeMember(groupName, username) {
      await changeMembership('remove', groupName, username);
    },

    async createSession(userId, meta) {
      const { token, tokenHash } = newSessionToken();
      const created = UUID.test(userId)
        ? await repo.insertSession({
            tokenHash,
            userId,
            absoluteSeconds: SESSION_ABSOLUTE_LIFETIME_SECONDS,
            idleSeconds: SESSION_IDLE_LIFETIME_SECONDS,
            authTime: meta.authTime ?? null,
            authMethods: meta.authMethods,
            ...requestMeta(meta),
          })
        : null;
      if (!created) {
        await requireUser(userId);
        throw new IdentityError('user_disabled', 'This user is disabled and cannot log in.');
      }
      return { token, ...created };
    },

    async authenticate(token, meta = {}) {
      if (!isWellFormedSessionToken(token)) return null;
      return repo.authenticate({
        tokenHash: hashSessionToken(token),
        idleSeconds: SESSION_IDLE_LIFETIME_SECONDS,
        slideIntervalSeconds: SESSION_SLIDE_INTERVAL_SECONDS,
        ...requestMeta(meta),
      });
    },

    async revokeSession(sessionId) {
      return UUID.test(sessionId) ? repo.deleteSession(sessionId) : false;
    },

    async revokeSessionsOfUser(userId) {
      return UUID.test(userId) ? repo.deleteSessionsOfUser(userId) : 0;
    },

    async listSessionsOfUser(userId) {
      return UUID.test(userId) ? repo.liveSessionsOfUser(userId) : [];
    },

    hasAdmin: () => repo.hasAdmin(),
  };

  async function changeMembership(change: 'add' | 'remove', groupName: string, username: string): Promise<void> {
    const { groupFound, userFound } = await repo.changeMembership(change, groupName, username);
    if (!groupFound) throw new IdentityError('group_not_found', `There is no group "${groupName}".`);
    if (!userFound) throw new IdentityError('user_not_found', `There is no user "${username}".`);
  }

  return { ...service, sessionCookie: createSessionCookie(deps.publicUrl, service.authenticate) };
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
