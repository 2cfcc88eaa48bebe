// The groups API's contract (/api/v1/groups).
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Page, PageQuery, SearchQuery, Timestamp, Uuid } from '../common-schemas.ts';

export const GroupView = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Nullable(Type.String()),
  memberCount: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type GroupView = Static<typeof GroupView>;

export const ListGroupsQuery = Type.Object({ search: SearchQuery, ...PageQuery }, { additionalProperties: false });
export type ListGroupsQuery = Static<typeof ListGroupsQuery>;

export const GroupPage = Type.Composite([Page(GroupView), Type.Object({ total: Type.Integer() })]);
export type GroupPage = Static<typeof GroupPage>;

const GroupName = Type.String({ minLength: 1, maxLength: 64 });
const Description = Type.String({ maxLength: 500 });

export const CreateGroupBody = Type.Object({ name: GroupName, description: Type.Optional(Description) }, { additionalProperties: false });
export type CreateGroupBody = Static<typeof CreateGroupBody>;

export const UpdateGroupBody = Type.Object(
  { name: Type.Optional(GroupName), description: Type.Optional(Nullable(Description)) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateGroupBody = Static<typeof UpdateGroupBody>;

export const MemberParams = Type.Object({ id: Uuid, userId: Uuid }, { additionalProperties: false });
export type MemberParams = Static<typeof MemberParams>;

/** GET /api/v1/groups/:id/members: the group's members (UserPage of ../users/schemas.ts), in username order. */
export const ListMembersQuery = Type.Object({ search: SearchQuery, ...PageQuery }, { additionalProperties: false });
export type ListMembersQuery = Static<typeof ListMembersQuery>;
