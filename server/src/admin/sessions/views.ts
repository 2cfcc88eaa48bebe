// How a session looks in answers (the contract's SessionView), for the admin's lists and the portal's.
import type { SessionRow } from './repo.ts';
import type { SessionView } from './schemas.ts';

export function toSessionView(row: Omit<SessionRow, 'last_seen_key'>): SessionView {
  return {
    id: row.id,
    userId: row.user_id,
    username: row.username,
    displayName: row.display_name,
    createdAt: row.created_at.toISOString(),
    lastSeenAt: row.last_seen_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    idleExpiresAt: row.idle_expires_at.toISOString(),
    authMethods: row.auth_methods,
    lastIp: row.last_ip,
    userAgent: row.user_agent,
  };
}
