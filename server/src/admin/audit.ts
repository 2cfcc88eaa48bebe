// The event log's one writer. Every change (from the admin API, the CLI, a login, a scheduled backup) is recorded
// here, and the same statement announces it on the bus topic EVENTS_TOPIC, so every open control UI on every
// instance learns of it at commit (live updates need no second mechanism: a change that is audited is announced).
// Events never hold secrets: callers pass before/after views without hashes, tokens or passphrases.
import type pg from 'pg';
import { channelOfTopic } from '../platform/bus.ts';

/** The bus topic every recorded event is announced on (the message is an EventNotice). */
export const EVENTS_TOPIC = 'admin.events';

const EVENTS_CHANNEL = channelOfTopic(EVENTS_TOPIC);

type Queryable = Pick<pg.Pool, 'query'>;

/** Who did it: a signed-in user, or a name for the rest ("cli", "scheduler", an API token's "token:<name>"). */
export interface EventActor {
  actor: string;
  actorUserId?: string | null;
  /** An API token made the request (not recorded apart: the actor names the token); some changes refuse tokens. */
  viaApiToken?: boolean;
  sourceAddress?: string | null;
  requestId?: string | null;
}

export interface EventTarget {
  /** e.g. user, group, application, session, api_token, settings, backup_run. */
  type: string;
  id: string;
  /** A readable name (a username, an application's name), kept after the target is gone. */
  label?: string | null;
}

export interface NewEvent {
  /** Dotted, e.g. user.created, session.revoked, backup.backup_failed. */
  type: string;
  by: EventActor;
  target?: EventTarget | null;
  /** Details; for a change, { before, after } without secrets. */
  data?: Record<string, unknown>;
}

/** What the bus carries for each event: enough for a UI to know what to refetch, nothing more. */
export interface EventNotice {
  id: string;
  type: string;
  targetType: string | null;
  targetId: string | null;
  actorUserId: string | null;
}

// Bus envelope of platform/bus.ts (inline form): origin "db", so no process skips it as its own.
// The user reference is dropped when that user no longer exists (an event about a deleted user, after a restore).
const INSERT_EVENT = `
  WITH recorded AS (
    INSERT INTO events (type, actor_user_id, actor, target_type, target_id, target_label, source_address, request_id, data)
    VALUES ($1, (SELECT id FROM users WHERE id = $2::uuid), $3, $4, $5, $6, $7, $8, $9)
    RETURNING id, type, target_type, target_id, actor_user_id
  )
  SELECT id::text, pg_notify($10, json_build_object('o', 'db', 'm', json_build_object(
    'id', id::text, 'type', type, 'targetType', target_type, 'targetId', target_id, 'actorUserId', actor_user_id
  ))::text) FROM recorded`;

/** Records one event and announces it (at commit, when db is a transaction). Returns the event's id. */
export async function recordEvent(db: Queryable, event: NewEvent): Promise<string> {
  const { by, target } = event;
  const { rows } = await db.query<{ id: string }>(INSERT_EVENT, [
    event.type,
    by.actorUserId ?? null,
    by.actor.slice(0, 200),
    target?.type ?? null,
    target?.id.slice(0, 200) ?? null,
    target?.label?.slice(0, 200) ?? null,
    by.sourceAddress ?? null,
    by.requestId?.slice(0, 100) ?? null,
    JSON.stringify(event.data ?? {}),
    EVENTS_CHANNEL,
  ]);
  return rows[0]!.id;
}
