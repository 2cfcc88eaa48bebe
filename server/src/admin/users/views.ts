// How users look in answers (the contract's UserSummary, UserDetail) and in events (no secrets: never a hash).
import type { UserRecord } from '../../identity/index.ts';
import type { UserDetailRow, UserRow } from './repo.ts';
import type { UserDetail, UserSummary } from './schemas.ts';

export function toUserSummary(row: UserRow): UserSummary {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    displayName: row.display_name,
    isActive: row.is_active,
    isAdmin: row.is_admin,
    createdAt: row.created_at.toISOString(),
  };
}

export function toUserDetail(row: UserDetailRow): UserDetail {
  return {
    ...toUserSummary(row),
    emailVerified: row.email_verified,
    hasPassword: row.has_password,
    passwordChangedAt: row.password_changed_at?.toISOString() ?? null,
    updatedAt: row.updated_at.toISOString(),
    groups: row.groups,
  };
}

/** A user as events record them, before and after a change. */
export function userEventView(user: UserRecord): Record<string, unknown> {
  return {
    username: user.username,
    email: user.email,
    emailVerified: user.emailVerified,
    displayName: user.displayName,
    isActive: user.isActive,
    isAdmin: user.isAdmin,
  };
}

/** Only what differs: { before, after } of the changed properties (empty objects when nothing changed). */
export function changedProperties(before: Record<string, unknown>, after: Record<string, unknown>): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const keys = Object.keys(after).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
  return { before: Object.fromEntries(keys.map((key) => [key, before[key]])), after: Object.fromEntries(keys.map((key) => [key, after[key]])) };
}

export function userTarget(user: { id: string; username: string }): { type: 'user'; id: string; label: string } {
  return { type: 'user', id: user.id, label: user.username };
}
