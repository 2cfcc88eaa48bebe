// The groups routes of the admin API (one file per endpoint beside this one).
import type { RegisterRoutes } from '../deps.ts';
import { createUsersAdmin } from '../users/service.ts';
import { GroupsAdmin } from './service.ts';
import { listGroupsRoute } from './list.ts';
import { createGroupRoute } from './create.ts';
import { getGroupRoute } from './get.ts';
import { updateGroupRoute } from './update.ts';
import { deleteGroupRoute } from './delete.ts';
import { listMembersRoute } from './members.ts';
import { addMemberRoute } from './add-member.ts';
import { removeMemberRoute } from './remove-member.ts';

const ROUTES = [listGroupsRoute, createGroupRoute, getGroupRoute, updateGroupRoute, deleteGroupRoute, listMembersRoute, addMemberRoute, removeMemberRoute];

export const registerGroupsRoutes: RegisterRoutes = (api, deps) => {
  const { identity, ctx } = deps;
  const db = ctx.platform.pool;
  const groups = new GroupsAdmin({ identity, db, users: createUsersAdmin({ identity, db, publicUrl: ctx.publicUrl }) });
  for (const route of ROUTES) route(api, groups);
};
