// Live updates: one WebSocket per page to /api/v1/live (server/src/admin/live). useLive(topics, refetch) calls
// refetch when the server says one of the topics changed, when it asks for a resync, and after every reconnect
// (whatever changed while the socket was down is caught up by refetching). Reconnects back off from 0.5 s to 10 s.
import { useEffect, useRef, useState } from 'react';
import type { LiveMessage, LiveTopic } from '../../../server/src/admin/live/schemas';

export type { LiveTopic } from '../../../server/src/admin/live/schemas';

type Listener = (topics: LiveTopic[] | 'all') => void;
export type LiveState = 'connecting' | 'live' | 'offline' | 'signed-out';

const SESSION_ENDED = 4401;
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 10_000;

class LiveConnection {
  private socket: WebSocket | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly stateListeners = new Set<(state: LiveState) => void>();
  private retryMs = RETRY_FIRST_MS;
  private retryTimer: number | null = null;
  state: LiveState = 'connecting';

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    if (!this.socket && this.retryTimer === null && this.state !== 'signed-out') this.open();
    return () => {
      this.listeners.delete(listener);
    };
  }

  onState(listener: (state: LiveState) => void): () => void {
    this.stateListeners.add(listener);
    return () => {
      this.stateListeners.delete(listener);
    };
  }

  private setState(state: LiveState): void {
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }

  private open(): void {
    const url = new URL('/api/v1/live', window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url);
    this.socket = socket;
    this.setState('connecting');
    socket.onmessage = (event) => {
      let message: LiveMessage;
      try {
        message = JSON.parse(String(event.data)) as LiveMessage;
      } catch {
        return;
      }
      if (message.type === 'ready') {
        this.retryMs = RETRY_FIRST_MS;
        this.setState('live');
      }
      // 'ready' also means "catch up": anything may have changed while this socket was not open.
      const topics = message.type === 'changed' ? message.topics : 'all';
      for (const listener of this.listeners) listener(topics);
    };
    socket.onclose = (event) => {
      this.socket = null;
      if (event.code === SESSION_ENDED) {
        this.setState('signed-out');
        return;
      }
      this.setState('offline');
      this.retryTimer = window.setTimeout(() => {
        this.retryTimer = null;
        if (this.listeners.size > 0) this.open();
      }, this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    };
  }
}

const connection = new LiveConnection();

/** Calls refetch whenever one of the topics changed on the server (or may have: reconnect, resync). */
export function useLive(topics: readonly LiveTopic[], refetch: () => void): void {
  const latest = useRef(refetch);
  latest.current = refetch;
  const key = topics.join(',');
  useEffect(() => {
    const wanted = new Set(key.split(',') as LiveTopic[]);
    // The first 'ready' refetches too: whatever changed between the page's own fetch and the socket opening.
    return connection.subscribe((changed) => {
      if (changed === 'all' || changed.some((topic) => wanted.has(topic))) latest.current();
    });
  }, [key]);
}

/** The socket's state, for a small "live" / "reconnecting…" indicator. */
export function useLiveState(): LiveState {
  const [state, setState] = useState<LiveState>(connection.state);
  useEffect(() => connection.onState(setState), []);
  return state;
}
