// Typed calls to the groups API (/api/v1/groups, server/src/admin/groups): list, create, edit, delete, members.
import { apiRequest } from './client';
import type { UserPage } from './users';
import type { CreateGroupBody, GroupPage, GroupView, ListGroupsQuery, ListMembersQuery, UpdateGroupBody } from '../../../server/src/admin/groups/schemas';

export type { CreateGroupBody, GroupPage, GroupView, UpdateGroupBody } from '../../../server/src/admin/groups/schemas';

const groupUrl = (id: string) => `/api/v1/groups/${encodeURIComponent(id)}`;
const memberUrl = (id: string, userId: string) => `${groupUrl(id)}/members/${encodeURIComponent(userId)}`;

export const groupsApi = {
  list: (query: ListGroupsQuery = {}) => apiRequest<GroupPage>('GET', '/api/v1/groups', { query }),
  get: (id: string) => apiRequest<GroupView>('GET', groupUrl(id)),
  create: (body: CreateGroupBody) => apiRequest<GroupView>('POST', '/api/v1/groups', { json: body }),
  update: (id: string, body: UpdateGroupBody) => apiRequest<GroupView>('PATCH', groupUrl(id), { json: body }),
  remove: (id: string) => apiRequest<void>('DELETE', groupUrl(id)),
  members: (id: string, query: ListMembersQuery = {}) => apiRequest<UserPage>('GET', `${groupUrl(id)}/members`, { query }),
  addMember: (id: string, userId: string) => apiRequest<void>('PUT', memberUrl(id, userId)),
  removeMember: (id: string, userId: string) => apiRequest<void>('DELETE', memberUrl(id, userId)),
};
