// How an event reads: its type in words ("user.login_failed" → "User login failed"), how alarming it is, and where
// its target lives in the control UI.
import type { BadgeTone } from '../../../components/status-badge';
import type { EventView } from '../../../api/events';

export function categoryOf(type: string): string {
  const dot = type.indexOf('.');
  return dot === -1 ? type : type.slice(0, dot);
}

function words(text: string): string {
  return text.replace(/[._]+/g, ' ').trim();
}

const CATEGORY_LABEL: Record<string, string> = {
  user: 'User',
  group: 'Group',
  application: 'Application',
  session: 'Session',
  consent: 'Consent',
  settings: 'Settings',
  api_token: 'API token',
  backup: 'Backup',
  config: 'Configuration',
};

export function categoryLabel(category: string): string {
  return CATEGORY_LABEL[category] ?? capitalize(words(category));
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function typeLabel(type: string): string {
  const category = categoryOf(type);
  let rest = type.slice(category.length + 1);
  // "backup.backup_failed" reads "Backup failed", not "Backup backup failed".
  if (rest.startsWith(`${category}_`)) rest = rest.slice(category.length + 1);
  return rest ? `${categoryLabel(category)} ${words(rest)}` : categoryLabel(category);
}

export function toneOf(type: string): BadgeTone {
  if (/fail|denied|refused|locked|error/.test(type)) return 'danger';
  if (/deleted|revoked|disabled|removed|restored/.test(type)) return 'warning';
  if (/created|succeeded|enabled|added/.test(type)) return 'success';
  return 'neutral';
}

/** The control UI page of an event's target, when it has one. */
export function targetHref(target: NonNullable<EventView['target']>): string | null {
  const id = encodeURIComponent(target.id);
  switch (target.type) {
    case 'user':
      return `/admin/users/${id}`;
    case 'group':
      return `/admin/groups/${id}`;
    case 'application':
      return `/admin/applications/${id}`;
    case 'backup_run':
    case 'backup':
      return '/admin/backups';
    case 'api_token':
      return '/admin/tokens';
    case 'settings':
      return '/admin/settings';
    default:
      return null;
  }
}
