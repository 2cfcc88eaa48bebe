// The advisory lock that keeps backups, verifies and restores of one database apart: backups hold it shared (any
// number at once), a restore or verify exclusively, so a restore never swaps tables away under a running backup.
export const RESTORE_LOCK = 'gatehouse:restore';
