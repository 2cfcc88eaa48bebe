// What an admin (through the API, or the CLI) does with groups and their members. Every change runs in one
// transaction with the event that records it.
import type pg from 'pg';
import { IdentityError, type GroupRecord, type IdentityService, type IdentityTransaction } from '../../identity/index.ts';
import type { MembershipChange } from '../../identity/repo.ts';
import { recordEvent, type EventActor } from '../audit.ts';
import { PAGE_LIMIT_DEFAULT } from '../common-schemas.ts';
import { decodeCursor, keysetPage } from '../page-cursor.ts';
import type { UsersAdmin } from '../users/service.ts';
import type { UserPage } from '../users/schemas.ts';
import { changedProperties } from '../users/views.ts';
import { GroupsRepo, type GroupRow } from './repo.ts';
import type { CreateGroupBody, GroupPage, GroupView, ListGroupsQuery, ListMembersQuery, UpdateGroupBody } from './schemas.ts';

/** The cursor of the groups list: the last row's lower(name) (group names are ASCII: see the groups CHECK). */
const GROUP_NAME_KEY = /^[a-z0-9][a-z0-9 ._-]{0,63}$/;

export interface GroupsAdminDeps {
  identity: IdentityService;
  db: Pick<pg.Pool, 'query'>;
  /** The users list, for a group's members. */
  users: Pick<UsersAdmin, 'list'>;
}

function toGroupView(row: GroupRow): GroupView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    memberCount: row.member_count,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function groupEventView(group: GroupRecord): Record<string, unknown> {
  return { name: group.name, description: group.description };
}

function groupTarget(group: { id: string; name: string }): { type: 'group'; id: string; label: string } {
  return { type: 'group', id: group.id, label: group.name };
}

/** A form's empty description means none. */
function description(value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  return value.trim() === '' ? null : value.trim();
}

export class GroupsAdmin {
  private readonly repo: GroupsRepo;

  constructor(private readonly deps: GroupsAdminDeps) {
    this.repo = new GroupsRepo(deps.db);
  }

  async list(query: ListGroupsQuery): Promise<GroupPage> {
    const limit = query.limit ?? PAGE_LIMIT_DEFAULT;
    const after = query.cursor ? decodeCursor(query.cursor, [GROUP_NAME_KEY])[0]! : null;
    const [rows, total] = await Promise.all([this.repo.page(query.search, after, limit), this.repo.count(query.search)]);
    return { ...keysetPage(rows, limit, toGroupView, (row) => [row.name.toLowerCase()]), total };
  }

  /** Throws group_not_found. */
  async get(id: string): Promise<GroupView> {
    const row = await this.repo.detail(id);
    if (!row) throw new IdentityError('group_not_found', 'There is no such group (it may have been deleted). Go back to the list.');
    return toGroupView(row);
  }

  async create(body: CreateGroupBody, by: EventActor): Promise<GroupView> {
    const created = await this.deps.identity.transaction(async (tx) => {
      const group = await tx.createGroup(body.name.trim(), description(body.description) ?? undefined);
      const record = (await tx.findGroupById(group.id))!;
      await recordEvent(tx.db, { type: 'group.created', by, target: groupTarget(record), data: { after: groupEventView(record) } });
      return record;
    });
    return this.get(created.id);
  }

  /** Throws group_not_found, group_taken, invalid_group_name, invalid_description. */
  async update(id: string, body: UpdateGroupBody, by: EventActor): Promise<GroupView> {
    await this.deps.identity.transaction(async (tx) => {
      const { before, after } = await tx.updateGroup(id, {
        ...(body.name !== undefined ? { name: body.name.trim() } : {}),
        ...(body.description !== undefined ? { description: description(body.description) } : {}),
      });
      const changed = changedProperties(groupEventView(before), groupEventView(after));
      if (Object.keys(changed.after).length > 0) await recordEvent(tx.db, { type: 'group.updated', by, target: groupTarget(after), data: changed });
    });
    return this.get(id);
  }

  /** The group and its memberships (its members stay). Throws group_not_found. */
  async remove(id: string, by: EventActor): Promise<void> {
    await this.deps.identity.transaction(async (tx) => {
      const group = await tx.deleteGroup(id);
      await recordEvent(tx.db, { type: 'group.deleted', by, target: groupTarget(group), data: { before: groupEventView(group) } });
    });
  }

  /** The group's members, as the users list shows them. Throws group_not_found. */
  async members(id: string, query: ListMembersQuery): Promise<UserPage> {
    if (!(await this.deps.identity.findGroupById(id))) throw new IdentityError('group_not_found', 'There is no such group (it may have been deleted). Go back to the list.');
    return this.deps.users.list({ ...query, groupId: id });
  }

  /** Nothing changes (and nothing is recorded) for a member already in it. Throws group_not_found, user_not_found. */
  addMember(groupId: string, userId: string, by: EventActor): Promise<void> {
    return this.changeMembership('group.member_added', (tx) => tx.addMemberById(groupId, userId), by);
  }

  /** Nothing changes (and nothing is recorded) for a user not in it. Throws group_not_found, user_not_found. */
  removeMember(groupId: string, userId: string, by: EventActor): Promise<void> {
    return this.changeMembership('group.member_removed', (tx) => tx.removeMemberById(groupId, userId), by);
  }

  /** For the CLI, by names. */
  changeMembershipByName(change: 'add' | 'remove', groupName: string, username: string, by: EventActor): Promise<void> {
    return change === 'add'
      ? this.changeMembership('group.member_added', (tx) => tx.addMember(groupName, username), by)
      : this.changeMembership('group.member_removed', (tx) => tx.removeMember(groupName, username), by);
  }

  private async changeMembership(type: 'group.member_added' | 'group.member_removed', change: (tx: IdentityTransaction) => Promise<MembershipChange>, by: EventActor): Promise<void> {
    await this.deps.identity.transaction(async (tx) => {
      const { group, user, changed } = await change(tx);
      if (changed) await recordEvent(tx.db, { type, by, target: groupTarget(group!), data: { userId: user!.id, username: user!.username } });
    });
  }
}
