// Every event type Gatehouse writes, in one list: the events page offers them as filters, and the docs
// (docs/admin.md) describe them from here. A writer that adds a type adds it here, with a line saying when it is
// written and what its data holds. Targets are { type, id, label }; data never holds secrets.
export const EVENT_TYPES = [
  // Users (target: the user).
  'user.created', // an admin (or the CLI) created a user; data.after: the user without secrets
  'user.updated', // name, email, admin or active flag changed; data: { before, after }
  'user.deleted', // data.before: the user as it was
  'user.groups_changed', // the user's group memberships were set; data: { before, after } group names
  'user.password_reset_link_created', // an admin made a one-time reset link (the link itself is never recorded)
  'user.password_reset', // the user set a new password through a reset link
  'user.password_changed', // the user changed their own password (portal), or the CLI set one; data.sessionsRevoked
  'user.login_succeeded', // a sign-in; data.clientId: the application it was for, when there was one
  'user.login_failed', // a refused sign-in (wrong password, unknown or disabled user); data.clientId as above

  // Groups (target: the group).
  'group.created',
  'group.updated', // data: { before, after }
  'group.deleted',
  'group.member_added', // data.userId, data.username
  'group.member_removed', // data.userId, data.username

  // Sessions (target: the session's user; data.sessionId names the session).
  'session.revoked', // one session ended by an admin, or by its user in the portal
  'session.revoked_all', // every session of a user ended; data.revoked: how many

  // API tokens (target: the token; never the token itself).
  'api_token.created', // data: name, scopes, expiresAt
  'api_token.revoked',

  // Applications (target: the application, by client id).
  'application.created',
  'application.updated', // data: { before, after }
  'application.secret_rotated', // a new client secret was issued (never recorded)
  'application.deleted',
  'consent.revoked', // a user (portal) or an admin withdrew a consent; target: the user, data.clientId

  // Settings (target: { type: settings, id: section }).
  'settings.changed', // data: { section, before, after }; section is sessions, passwordPolicy, branding, instance or lan

  // Backups (target: the run, or the schedule).
  'backup.created', // a backup file was written (UI, schedule or CLI); data: file, trigger, sizes
  'backup.backup_failed', // a backup (manual or scheduled) failed; data.error
  'backup.verified', // a backup file was checked end to end
  'backup.verify_failed',
  'backup.restored', // the database was replaced by a backup's contents
  'backup.restore_failed',
  'backup.schedule_changed', // data: the new schedule (the passphrase only as passphraseChanged)
  'backup.schedule_disabled', // the schedule turned itself off (its passphrase cannot be read with this master key); data.error
  'config.imported', // a configuration file was applied; data.changes
] as const;

export type EventType = (typeof EVENT_TYPES)[number];
