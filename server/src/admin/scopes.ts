// What an API token may be allowed to do. Each admin route names the one scope it needs (route config `scope`);
// a signed-in admin may do everything. Managing tokens themselves needs a signed-in admin: a token never mints
// another token, so a leaked token cannot outlive its own expiry or widen its reach.
export const ADMIN_SCOPES = [
  'status:read',
  'users:read',
  'users:write',
  'groups:read',
  'groups:write',
  'applications:read',
  'applications:write',
  'sessions:read',
  'sessions:write',
  'events:read',
  'settings:read',
  'settings:write',
  'backups:read',
  'backups:write',
] as const;

export type AdminScope = (typeof ADMIN_SCOPES)[number];

export function isAdminScope(value: string): value is AdminScope {
  return (ADMIN_SCOPES as readonly string[]).includes(value);
}
