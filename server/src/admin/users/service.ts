// What an admin (through the API, or the CLI) does with users. Every change runs in one transaction with the event
// that records it, so the log never lists a change that did not happen, nor misses one that did.
import type pg from 'pg';
import { IdentityError, type IdentityService, type UserChanges, type UserRecord } from '../../identity/index.ts';
import { recordEvent, type EventActor } from '../audit.ts';
import { HttpError } from '../../http/errors.ts';
import { PAGE_LIMIT_DEFAULT } from '../common-schemas.ts';
import { decodeCursor, keysetPage } from '../page-cursor.ts';
import { SessionsAdmin } from '../sessions/service.ts';
import type { SessionPage } from '../sessions/schemas.ts';
import { UsersRepo } from './repo.ts';
import type { CreateUserBody, ListUsersQuery, PasswordResetLink, UpdateUserBody, UserDetail, UserPage, UserSessionsQuery } from './schemas.ts';
import { changedProperties, toUserDetail, toUserSummary, userEventView, userTarget } from './views.ts';

/** The cursor of the users list: the last row's lower(username) (usernames are ASCII: see the users CHECK). */
const USERNAME_KEY = /^[a-z0-9][a-z0-9._@-]{0,63}$/;

export interface UsersAdminDeps {
  identity: IdentityService;
  db: Pick<pg.Pool, 'query'>;
  /** Reset links point here. */
  publicUrl: string;
  /** The sessions list, for one user's. */
  sessions: Pick<SessionsAdmin, 'list'>;
}

/** A form's empty field means "none". */
function optionalText(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function nullableText(value: string | null): string | null {
  return value === null ? null : (optionalText(value) ?? null);
}

/** The users area's service, with the sessions list it shows a user's sessions from. */
export function createUsersAdmin(deps: Omit<UsersAdminDeps, 'sessions'>): UsersAdmin {
  return new UsersAdmin({ ...deps, sessions: new SessionsAdmin({ identity: deps.identity, db: deps.db }) });
}

export class UsersAdmin {
  private readonly repo: UsersRepo;

  constructor(private readonly deps: UsersAdminDeps) {
    this.repo = new UsersRepo(deps.db);
  }

  async list(query: ListUsersQuery): Promise<UserPage> {
    const limit = query.limit ?? PAGE_LIMIT_DEFAULT;
    const after = query.cursor ? decodeCursor(query.cursor, [USERNAME_KEY])[0]! : null;
    const filter = { search: query.search, status: query.status, groupId: query.groupId };
    const { rows, total, totalExact } = await this.repo.page(filter, after, limit);
    return { ...keysetPage(rows, limit, toUserSummary, (row) => [row.username.toLowerCase()]), total, totalExact };
  }

  /** An admin's account is changed (or a link to take it over made) only by a signed-in admin, never by a token. */
  private async refuseTokenOnAdminAccount(id: string, by: EventActor): Promise<void> {
    if (by.viaApiToken && (await this.repo.detail(id))?.is_admin) refuseTokenOnAdmins(by, null);
  }

  /** Throws user_not_found. */
  async get(id: string): Promise<UserDetail> {
    const row = await this.repo.detail(id);
    if (!row) throw new IdentityError('user_not_found', 'There is no such user (it may have been deleted). Go back to the list.');
    return toUserDetail(row);
  }

  /** `emailVerified`: for the CLI's --email-verified (the API's form has no such field: an address is unverified). */
  async create(body: CreateUserBody & { emailVerified?: boolean }, by: EventActor): Promise<UserDetail> {
    if (body.isAdmin === true) refuseTokenOnAdmins(by, 'isAdmin');
    const password = body.password === '' ? undefined : body.password;
    const created = await this.deps.identity.transaction(async (tx) => {
      const user = await tx.createUser({
        username: body.username.trim(),
        email: optionalText(body.email),
        displayName: optionalText(body.displayName),
        password,
        isAdmin: body.isAdmin,
        emailVerified: body.emailVerified,
      });
      const groups = body.groupIds?.length ? (await tx.setGroupsOfUser(user.id, body.groupIds)).after : [];
      await recordEvent(tx.db, {
        type: 'user.created',
        by,
        target: userTarget(user),
        data: { after: { ...userEventView(user), hasPassword: password !== undefined, groups: groups.map((group) => group.name) } },
      });
      return user;
    });
    return this.get(created.id);
  }

  /** Throws user_not_found, cannot_change_self, last_admin, and the identity service's input errors. */
  async update(id: string, body: UpdateUserBody, by: EventActor): Promise<UserDetail> {
    id = id.toLowerCase();
    if (body.isAdmin !== undefined) refuseTokenOnAdmins(by, 'isAdmin');
    await this.refuseTokenOnAdminAccount(id, by);
    if (by.actorUserId === id && (body.isActive === false || body.isAdmin === false)) {
      const field = body.isAdmin === false ? 'isAdmin' : 'isActive';
      throw new IdentityError('cannot_change_self', `You cannot ${field === 'isAdmin' ? 'remove your own admin rights' : 'disable yourself'}: you would lock yourself out. Another admin can.`, field);
    }
    const changes: UserChanges = {};
    if (body.email !== undefined) changes.email = nullableText(body.email);
    if (body.displayName !== undefined) changes.displayName = nullableText(body.displayName);
    if (body.emailVerified !== undefined) changes.emailVerified = body.emailVerified;
    if (body.isAdmin !== undefined) changes.isAdmin = body.isAdmin;
    if (body.isActive !== undefined) changes.isActive = body.isActive;
    await this.deps.identity.transaction(async (tx) => {
      const { before, after, sessionsRevoked } = await tx.updateUser(id, changes);
      const changed = changedProperties(userEventView(before), userEventView(after));
      if (Object.keys(changed.after).length === 0) return;
      await recordEvent(tx.db, { type: 'user.updated', by, target: userTarget(after), data: { ...changed, ...(sessionsRevoked > 0 ? { sessionsRevoked } : {}) } });
    });
    return this.get(id);
  }

  /** Throws user_not_found, cannot_change_self, last_admin. */
  async remove(id: string, by: EventActor): Promise<void> {
    id = id.toLowerCase();
    await this.refuseTokenOnAdminAccount(id, by);
    if (by.actorUserId === id) throw new IdentityError('cannot_change_self', 'You cannot delete your own account: you would lock yourself out. Another admin can.');
    await this.deps.identity.transaction(async (tx) => {
      const user = await tx.deleteUser(id);
      await recordEvent(tx.db, { type: 'user.deleted', by, target: userTarget(user), data: { before: userEventView(user) } });
    });
  }

  /** Throws user_not_found, group_not_found (field groupIds). */
  async setGroups(id: string, groupIds: string[], by: EventActor): Promise<UserDetail> {
    await this.deps.identity.transaction(async (tx) => {
      const { before, after } = await tx.setGroupsOfUser(id, groupIds);
      const names = { before: before.map((group) => group.name), after: after.map((group) => group.name) };
      if (JSON.stringify(names.before) === JSON.stringify(names.after)) return;
      const user = (await tx.findUserById(id))!;
      await recordEvent(tx.db, { type: 'user.groups_changed', by, target: userTarget(user), data: names });
    });
    return this.get(id);
  }

  /** A new one-time link (the older one stops working). Throws user_not_found, user_is_disabled. */
  async createResetLink(id: string, by: EventActor): Promise<PasswordResetLink> {
    await this.refuseTokenOnAdminAccount(id, by);
    const { token, expiresAt } = await this.deps.identity.transaction(async (tx) => {
      const link = await tx.createPasswordResetLink(id, by.actorUserId ?? null);
      // The link itself is a secret: the event says only that one exists, and until when.
      await recordEvent(tx.db, { type: 'user.password_reset_link_created', by, target: userTarget(link.user), data: { expiresAt: link.expiresAt.toISOString() } });
      return link;
    });
    return { url: `${this.deps.publicUrl}/reset?token=${token}`, expiresAt: expiresAt.toISOString() };
  }

  /** The user's live sessions, newest activity first. Throws user_not_found. */
  async sessionsOf(id: string, query: UserSessionsQuery): Promise<SessionPage> {
    await this.existing(this.deps.identity, id);
    return this.deps.sessions.list({ ...query, userId: id });
  }

  /** Ends every session of the user. Throws user_not_found. */
  async revokeSessions(id: string, by: EventActor): Promise<{ revoked: number }> {
    return this.deps.identity.transaction(async (tx) => {
      const user = await this.existing(tx, id);
      const revoked = await tx.revokeSessionsOfUser(id);
      if (revoked > 0) await recordEvent(tx.db, { type: 'session.revoked_all', by, target: userTarget(user), data: { revoked } });
      return { revoked };
    });
  }

  /** For the CLI: sets the password (the policy applies) and ends every session of the user. */
  async setPassword(id: string, password: string, by: EventActor): Promise<{ sessionsRevoked: number }> {
    return this.deps.identity.transaction(async (tx) => {
      const user = await this.existing(tx, id);
      await tx.setPassword(id, password);
      const sessionsRevoked = await tx.revokeSessionsOfUser(id);
      await recordEvent(tx.db, { type: 'user.password_changed', by, target: userTarget(user), data: { sessionsRevoked } });
      return { sessionsRevoked };
    });
  }

  private async existing(identity: Pick<IdentityService, 'findUserById'>, id: string): Promise<UserRecord> {
    const user = await identity.findUserById(id);
    if (!user) throw new IdentityError('user_not_found', 'There is no such user (it may have been deleted). Go back to the list.');
    return user;
  }
}

/**
 * API tokens never give admin rights nor touch an admin's account: a token with users:write could otherwise make
 * itself an admin (or reset an admin's password) and so mint tokens without limit, outliving its own scope and expiry.
 */
function refuseTokenOnAdmins(by: EventActor, field: string | null): void {
  if (!by.viaApiToken) return;
  throw new HttpError(
    403,
    'needs_signed_in_admin',
    field ? 'API tokens cannot give or take admin rights. An admin signed in to the control UI can.' : 'API tokens cannot change an admin\'s account or make a reset link for it. An admin signed in to the control UI can.',
    {},
    field ?? undefined,
  );
}
