// Typed calls to the users API (/api/v1/users, server/src/admin/users): list, create, edit, delete, groups, reset links.
import { apiRequest } from './client';
import type { CreateUserBody, ListUsersQuery, PasswordResetLink, UpdateUserBody, UserDetail, UserPage } from '../../../server/src/admin/users/schemas';

export type { CreateUserBody, GroupRef, ListUsersQuery, PasswordResetLink, UpdateUserBody, UserDetail, UserPage, UserSummary } from '../../../server/src/admin/users/schemas';
export type UserStatusFilter = NonNullable<ListUsersQuery['status']>;

const userUrl = (id: string) => `/api/v1/users/${encodeURIComponent(id)}`;

export const usersApi = {
  list: (query: ListUsersQuery = {}) => apiRequest<UserPage>('GET', '/api/v1/users', { query }),
  get: (id: string) => apiRequest<UserDetail>('GET', userUrl(id)),
  create: (body: CreateUserBody) => apiRequest<UserDetail>('POST', '/api/v1/users', { json: body }),
  update: (id: string, body: UpdateUserBody) => apiRequest<UserDetail>('PATCH', userUrl(id), { json: body }),
  remove: (id: string) => apiRequest<void>('DELETE', userUrl(id)),
  /** Replaces the user's groups with exactly these. */
  setGroups: (id: string, groupIds: string[]) => apiRequest<UserDetail>('PUT', `${userUrl(id)}/groups`, { json: { groupIds } }),
  /** A new one-time link for the user to choose a password (Gatehouse sends no mail: the admin hands it over). */
  passwordResetLink: (id: string) => apiRequest<PasswordResetLink>('POST', `${userUrl(id)}/password-reset`),
};
