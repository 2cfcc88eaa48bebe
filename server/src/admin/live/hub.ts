// Live updates: one bus subscription per process (EVENTS_TOPIC, which every recorded event is announced on) fanned
// out to the open WebSockets of this instance. A socket is told which topics changed, coalesced over
// COALESCE_MS, and told to refetch everything after a gap (bus reconnect, restore).
import type { Bus } from '../../platform/bus.ts';
import { EVENTS_TOPIC, type EventNotice } from '../audit.ts';
import type { LiveMessage, LiveTopic } from './schemas.ts';
import { topicsForUser, topicsOf } from './topics.ts';

const COALESCE_MS = 100;

/** One open socket: what it may hear, and how to send to it. */
export interface LiveClient {
  userId: string;
  /** An admin hears of every change; anyone else only of changes to their own sessions and consents. */
  isAdmin: boolean;
  send(message: LiveMessage): void;
  /** Called for each event about the client's own user (a session revoked, the account disabled or demoted). */
  onOwnEvent?(notice: EventNotice): void;
}

export class LiveHub {
  private readonly clients = new Set<LiveClient>();
  private readonly pending = new Map<LiveClient, Set<LiveTopic>>();
  private flushTimer: NodeJS.Timeout | null = null;
  private stopFollowing: (() => void) | null = null;

  constructor(private readonly bus: Pick<Bus, 'followChanges'>) {}

  start(): void {
    if (this.stopFollowing) return;
    this.stopFollowing = this.bus.followChanges<EventNotice>(EVENTS_TOPIC, (notice) => this.deliver(notice), () => this.resyncAll());
  }

  stop(): void {
    this.stopFollowing?.();
    this.stopFollowing = null;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.pending.clear();
    this.clients.clear();
  }

  /** Returns the function that removes the client. */
  add(client: LiveClient): () => void {
    this.clients.add(client);
    client.send({ type: 'ready' });
    return () => {
      this.clients.delete(client);
      this.pending.delete(client);
    };
  }

  get size(): number {
    return this.clients.size;
  }

  private deliver(notice: EventNotice): void {
    if (typeof notice?.type !== 'string') return;
    for (const client of this.clients) {
      if (notice.targetType === 'user' && notice.targetId === client.userId) client.onOwnEvent?.(notice);
      const topics = client.isAdmin ? topicsOf(notice) : topicsForUser(notice, client.userId);
      if (topics.length === 0) continue;
      let queued = this.pending.get(client);
      if (!queued) this.pending.set(client, (queued = new Set()));
      for (const topic of topics) queued.add(topic);
    }
    if (this.pending.size > 0 && !this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), COALESCE_MS);
  }

  private flush(): void {
    this.flushTimer = null;
    const batch = [...this.pending];
    this.pending.clear();
    for (const [client, topics] of batch) client.send({ type: 'changed', topics: [...topics] });
  }

  private resyncAll(): void {
    this.pending.clear();
    for (const client of this.clients) client.send({ type: 'resync' });
  }
}
