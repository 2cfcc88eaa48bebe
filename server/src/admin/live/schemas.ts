// What the live-updates WebSocket (/api/v1/live) sends. The UI refetches what a topic names; it is told only that
// something changed, never the data itself, so a socket shows nothing its page's own API call would not.
export const LIVE_TOPICS = ['users', 'groups', 'applications', 'sessions', 'events', 'settings', 'backups', 'tokens', 'status', 'consents'] as const;
export type LiveTopic = (typeof LIVE_TOPICS)[number];

export type LiveMessage =
  /** Sent once the socket follows changes: refetch now, to catch up with what changed before. */
  | { type: 'ready' }
  /** Something under these topics changed (one message per event, coalesced over at most 100 ms). */
  | { type: 'changed'; topics: LiveTopic[] }
  /** Changes may have been missed (the server's bus reconnected, or a restore replaced the data): refetch everything. */
  | { type: 'resync' };
