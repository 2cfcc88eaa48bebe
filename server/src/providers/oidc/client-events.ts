// The events a change to an application records (admin API and CLI alike): target the application by its client
// id, named; data the settings before and after, which never hold the secret (ClientRecord has none).
import type { EventActor, NewEvent } from '../../admin/audit.ts';
import type { ClientRecord } from './clients.ts';

export type ApplicationEventType = 'application.created' | 'application.updated' | 'application.secret_rotated' | 'application.deleted';

/** The settings an event shows: the record without its timestamps (the event has its own time). */
type ClientSettingsView = Omit<ClientRecord, 'createdAt' | 'updatedAt'>;

function settingsOf(record: ClientRecord): ClientSettingsView {
  const { createdAt: _createdAt, updatedAt: _updatedAt, ...settings } = record;
  return settings;
}

/** The settings that differ, before and after. */
export function changedSettings(before: ClientRecord, after: ClientRecord): { before: Partial<ClientSettingsView>; after: Partial<ClientSettingsView> } {
  const old = settingsOf(before);
  const now = settingsOf(after);
  const keys = (Object.keys(now) as Array<keyof ClientSettingsView>).filter((key) => JSON.stringify(old[key]) !== JSON.stringify(now[key]));
  return { before: Object.fromEntries(keys.map((key) => [key, old[key]])), after: Object.fromEntries(keys.map((key) => [key, now[key]])) };
}

export function applicationEvent(type: ApplicationEventType, by: EventActor, record: ClientRecord, data: Record<string, unknown> = {}): NewEvent {
  return { type, by, target: { type: 'application', id: record.clientId, label: record.name }, data };
}

export const createdEvent = (by: EventActor, after: ClientRecord) => applicationEvent('application.created', by, after, { after: settingsOf(after) });
export const deletedEvent = (by: EventActor, before: ClientRecord) => applicationEvent('application.deleted', by, before, { before: settingsOf(before) });
