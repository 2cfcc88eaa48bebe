// Which UI topics an event touches, and who may hear of it.
import type { EventNotice } from '../audit.ts';
import type { LiveTopic } from './schemas.ts';

const BY_CATEGORY: Record<string, LiveTopic[]> = {
  user: ['users', 'status'],
  group: ['groups', 'users', 'status'],
  application: ['applications', 'status'],
  session: ['sessions', 'status'],
  consent: ['consents'],
  settings: ['settings'],
  api_token: ['tokens'],
  backup: ['backups', 'status'],
  config: ['users', 'groups', 'applications', 'settings', 'status'],
};

/** Every event is news to the events page and the dashboard's recent events; its category adds the rest. */
export function topicsOf(notice: Pick<EventNotice, 'type'>): LiveTopic[] {
  const category = notice.type.slice(0, notice.type.indexOf('.'));
  // A sign-in (user.login_succeeded) also creates a session.
  const extra: LiveTopic[] = notice.type.startsWith('user.login') ? ['sessions'] : [];
  return [...new Set<LiveTopic>(['events', ...(BY_CATEGORY[category] ?? []), ...extra])];
}

/** The topics a non-admin may hear of: changes to their own sessions and consents, nothing about anyone else. */
const PORTAL_TOPICS = new Set<LiveTopic>(['sessions', 'consents']);

export function topicsForUser(notice: EventNotice, userId: string): LiveTopic[] {
  const aboutUser = (notice.targetType === 'user' && notice.targetId === userId) || notice.actorUserId === userId;
  return aboutUser ? topicsOf(notice).filter((topic) => PORTAL_TOPICS.has(topic)) : [];
}
