// The process bus: publish/subscribe between Gatehouse processes over PostgreSQL LISTEN/NOTIFY.
// One dedicated connection per process listens to every topic; publishing goes through the pool.
// A message whose NOTIFY text would be too long is stored in bus_payloads and only its row id is notified;
// the cleanup job deletes those rows after BUS_PAYLOAD_RETENTION_SECONDS, so the table never grows with traffic.
// Delivery is at most once: whenever messages may have been missed, the onGap listeners are told instead.
import pg from 'pg';
import type { Logger } from 'pino';

/** How long a by-reference payload row is kept; its receivers fetch it within milliseconds. */
export const BUS_PAYLOAD_RETENTION_SECONDS = 300;

/** NOTIFY refuses a payload of 8000 bytes or more. */
export const NOTIFY_PAYLOAD_MAX_BYTES = 7999;

const TOPIC_PATTERN = /^[a-z0-9][a-z0-9_.:-]{0,40}$/;

/** Keeps Gatehouse's channels apart from anything else that listens on a shared database. */
const CHANNEL_PREFIX = 'gatehouse:';

/** The NOTIFY channel of a topic, for SQL that announces a change itself (admin/audit.ts). */
export function channelOfTopic(topic: string): string {
  assertTopic(topic);
  return CHANNEL_PREFIX + topic;
}

/** By-reference payloads being fetched at once; a message beyond that is dropped and reported as a gap. */
const MAX_REFERENCE_FETCHES = 64;

const RECONNECT_FIRST_DELAY_MS = 100;
const RECONNECT_MAX_DELAY_MS = 5_000;

const DEFAULT_HEARTBEAT = { intervalMs: 30_000, timeoutMs: 10_000 };

// The row and its notification commit together, so a receiver always finds the row.
const PUBLISH_BY_REFERENCE_SQL = `
  WITH stored AS (INSERT INTO bus_payloads (topic, payload) VALUES ($1, $2) RETURNING id)
  SELECT pg_notify($3, json_build_object('o', $4::text, 'r', id::text)::text) FROM stored`;

// Primary key lookup (bus_payloads_pkey).
const FETCH_PAYLOAD_SQL = 'SELECT payload FROM bus_payloads WHERE id = $1 AND topic = $2';

/**
 * Announced when the shared state was replaced as a whole (a restore): every process drops whatever it derived from
 * it, as after a gap. Every Bus listens to it.
 */
export const RESET_TOPIC = 'platform.reset';

/**
 * Publishes a small message on a topic from any connection or transaction (delivered at commit, as NOTIFY is),
 * for code that has no Bus of its own, like a command-line restore. `origin` names the sender.
 */
export async function notifyTopic(client: Pick<pg.ClientBase, 'query'>, topic: string, message: unknown, origin: string): Promise<void> {
  assertTopic(topic);
  const inline = inlineEnvelope(JSON.stringify(origin), JSON.stringify(message));
  if (Buffer.byteLength(inline, 'utf8') > NOTIFY_PAYLOAD_MAX_BYTES) throw new RangeError('notifyTopic carries small messages only');
  await client.query('SELECT pg_notify($1, $2)', [CHANNEL_PREFIX + topic, inline]);
}

/** A message carried in the NOTIFY payload itself: its origin and the message, both already JSON. */
function inlineEnvelope(originJson: string, messageJson: string): string {
  return `{"o":${originJson},"m":${messageJson}}`;
}

export interface BusDeps {
  pool: pg.Pool;
  /** Opens the listening connection (a direct one, never from the pool). */
  connect: () => Promise<pg.Client>;
  logger: Logger;
  instanceId: string;
  /** A query on the listening connection now and then, so a silently dead connection is noticed. */
  heartbeat?: { intervalMs: number; timeoutMs: number };
}

export interface MessageMeta {
  /** The instanceId of the publisher; a subscriber skips its own process's messages by comparing it. */
  origin: string;
}

export type MessageHandler<T> = (message: T, meta: MessageMeta) => void;

export interface GapInfo {
  /** Topics whose messages may have been missed. */
  topics: string[];
}

export interface BusStats {
  published: number;
  received: number;
  /** Messages this process published by reference (their NOTIFY text would have been too long). */
  byReference: number;
  reconnects: number;
  /** Topics this process listens to. */
  subscriptions: number;
  connected: boolean;
  handlerErrors: number;
  /** Messages received but not delivered because their by-reference payload could not be fetched. */
  dropped: number;
}

export class InvalidTopicError extends Error {
  readonly code = 'invalid_bus_topic';
  constructor(readonly topic: string) {
    super(`"${topic}" is not a bus topic: use 1 to 41 characters of a-z, 0-9, "_", ".", ":" or "-", starting with a letter or digit.`);
  }
}

/** The listening connection and the topics PostgreSQL has confirmed it listens to. */
interface Listener {
  client: pg.Client;
  topics: Set<string>;
  heartbeat: NodeJS.Timeout;
  /** Listening to every subscribed topic, and (after a reconnect) the gap was announced. */
  caughtUp: boolean;
  /** Settles when the command sent last has; commands on the connection go one at a time. */
  lastCommand: Promise<unknown>;
  heartbeatInFlight: boolean;
}

interface Subscription {
  handler: MessageHandler<unknown>;
}

type Envelope = { o: string; m: unknown } | { o: string; r: string };

export class Bus {
  private readonly handlers = new Map<string, Set<Subscription>>();
  private readonly gapListeners = new Set<(info: GapInfo) => void>();
  private listener: Listener | null = null;
  private syncing: Promise<void> | null = null;
  private syncRequested = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectDelayMs = RECONNECT_FIRST_DELAY_MS;
  private referenceFetches = 0;
  private started = false;
  private closed = false;
  private readonly originJson: string;
  private readonly heartbeat: { intervalMs: number; timeoutMs: number };
  private readonly counters = { published: 0, received: 0, byReference: 0, reconnects: 0, handlerErrors: 0, dropped: 0 };

  constructor(private readonly deps: BusDeps) {
    this.originJson = JSON.stringify(deps.instanceId);
    this.heartbeat = deps.heartbeat ?? DEFAULT_HEARTBEAT;
  }

  /** Opens the listening connection and listens to the topics subscribed so far; rejects if that fails. */
  async start(): Promise<void> {
    if (this.closed) throw new Error('the bus is closed');
    if (this.started) throw new Error('the bus is already started');
    this.started = true;
    try {
      await this.openListener();
      if (this.listener) this.listener.caughtUp = true;
    } catch (error) {
      this.started = false;
      this.cancelReconnect();
      if (this.listener) void this.discardListener(this.listener);
      throw error;
    }
  }

  /** Calls handler for every message on topic, own messages included; the returned function unsubscribes. */
  subscribe<T = unknown>(topic: string, handler: MessageHandler<T>): () => void {
    assertTopic(topic);
    if (this.closed) throw new Error('the bus is closed');
    let subscriptions = this.handlers.get(topic);
    if (!subscriptions) {
      subscriptions = new Set();
      this.handlers.set(topic, subscriptions);
      this.requestSync();
    }
    const subscription: Subscription = { handler: handler as MessageHandler<unknown> };
    subscriptions.add(subscription);
    const owner = subscriptions;
    return () => {
      if (!owner.delete(subscription) || owner.size > 0 || this.handlers.get(topic) !== owner) return;
      this.handlers.delete(topic);
      this.requestSync();
    };
  }

  /** Resolves once every subscribe and unsubscribe made so far is in effect in PostgreSQL. */
  whenSubscribed(): Promise<void> {
    return this.synchronize();
  }

  /** Calls listener when messages may have been missed: after a reconnect, or when a payload could not be fetched. */
  onGap(listener: (info: GapInfo) => void): () => void {
    this.gapListeners.add(listener);
    return () => void this.gapListeners.delete(listener);
  }

  /**
   * For a process-local copy of shared state (an LRU): `onChange` for every change another instance announces on
   * topic, `onGap` when messages may have been missed (the copy must then be dropped). Returns one function that stops both.
   */
  followChanges<T = unknown>(topic: string, onChange: MessageHandler<T>, onGap: () => void): () => void {
    const unsubscribe = this.subscribe<T>(topic, onChange);
    const offGap = this.onGap(onGap);
    return () => {
      unsubscribe();
      offGap();
    };
  }

  async publish(topic: string, message: unknown): Promise<void> {
    assertTopic(topic);
    if (this.closed) throw new Error('the bus is closed');
    const json = JSON.stringify(message) as string | undefined;
    if (json === undefined) throw new TypeError(`a bus message must be a JSON value, not ${typeof message}`);
    const channel = CHANNEL_PREFIX + topic;
    const inline = inlineEnvelope(this.originJson, json);
    if (Buffer.byteLength(inline, 'utf8') <= NOTIFY_PAYLOAD_MAX_BYTES) {
      await this.deps.pool.query('SELECT pg_notify($1, $2)', [channel, inline]);
    } else {
      await this.deps.pool.query(PUBLISH_BY_REFERENCE_SQL, [topic, json, channel, this.deps.instanceId]);
      this.counters.byReference++;
    }
    this.counters.published++;
  }

  /**
   * True while messages reach this process: connected, listening again after any reconnect, and that gap announced.
   * A subscriber that keeps state derived from messages (like the cache's LRU) should not trust it otherwise.
   */
  isListening(): boolean {
    return this.listener?.caughtUp === true;
  }

  stats(): BusStats {
    return { ...this.counters, subscriptions: this.handlers.size, connected: this.listener !== null };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cancelReconnect();
    this.handlers.clear();
    this.gapListeners.clear();
    const listener = this.listener;
    if (listener) await this.discardListener(listener);
  }

  // Connection

  private async openListener(): Promise<void> {
    const client = await this.deps.connect();
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    const listener: Listener = {
      client,
      topics: new Set(),
      heartbeat: setInterval(() => this.beat(listener), this.heartbeat.intervalMs),
      caughtUp: false,
      lastCommand: Promise.resolve(),
      heartbeatInFlight: false,
    };
    listener.heartbeat.unref();
    client.on('notification', (notification) => this.onNotification(listener, notification));
    client.on('error', (error) => this.onListenerLost(listener, error));
    client.on('end', () => this.onListenerLost(listener));
    this.listener = listener;
    await this.synchronize();
  }

  private onListenerLost(listener: Listener, error?: Error): void {
    if (this.listener !== listener) return;
    void this.discardListener(listener);
    if (this.closed) return;
    this.deps.logger.warn({ err: error }, 'the bus listening connection was lost; reconnecting');
    this.scheduleReconnect();
  }

  /** Forgets the listener and ends its connection (a hung one is destroyed), freeing its slot in the budget. */
  private discardListener(listener: Listener): Promise<void> {
    clearInterval(listener.heartbeat);
    if (this.listener === listener) this.listener = null;
    return listener.client.end().catch(() => undefined);
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer || this.closed) return;
    // Jitter spreads the reconnects of many instances after a database restart.
    const delayMs = this.reconnectDelayMs * (0.5 + Math.random() / 2);
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, RECONNECT_MAX_DELAY_MS);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.reconnect();
    }, delayMs);
  }

  private async reconnect(): Promise<void> {
    try {
      await this.openListener();
    } catch (error) {
      if (this.closed) return;
      this.deps.logger.warn({ err: error }, 'the bus could not reconnect yet');
      if (this.listener) void this.discardListener(this.listener);
      this.scheduleReconnect();
      return;
    }
    const listener = this.listener;
    if (!listener) return;
    this.reconnectDelayMs = RECONNECT_FIRST_DELAY_MS;
    this.counters.reconnects++;
    this.deps.logger.info({ topics: listener.topics.size }, 'the bus listening connection is back');
    // Only now, listening again, can a subscriber resynchronize without missing what comes next.
    listener.caughtUp = true;
    this.emitGap([...this.handlers.keys()]);
  }

  private cancelReconnect(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  /** An unanswered heartbeat ends the connection; with a query in flight, ending destroys the socket at once. */
  private beat(listener: Listener): void {
    if (listener.heartbeatInFlight) return;
    listener.heartbeatInFlight = true;
    const timeout = setTimeout(() => {
      this.onListenerLost(listener, new Error(`the listening connection did not answer within ${this.heartbeat.timeoutMs} ms`));
    }, this.heartbeat.timeoutMs);
    this.command(listener, 'SELECT 1')
      .catch((error: unknown) => this.onListenerLost(listener, error as Error))
      .finally(() => {
        clearTimeout(timeout);
        listener.heartbeatInFlight = false;
      });
  }

  /**
   * Sends a command once the previous one has settled (pg 9 will refuse overlapping queries).
   * At most two wait: the one synchronizing pass and the one heartbeat.
   */
  private command(listener: Listener, sql: string): Promise<unknown> {
    const result = listener.lastCommand.then(() => listener.client.query(sql));
    listener.lastCommand = result.catch(() => undefined);
    return result;
  }

  // LISTEN / UNLISTEN

  private requestSync(): void {
    if (!this.listener) return;
    this.synchronize().catch((error: unknown) => this.deps.logger.error({ err: error }, 'the bus could not change its subscriptions'));
  }

  /**
   * Brings the listener's LISTENs in line with the subscribed topics, one command at a time.
   * Calls made while a pass runs share it and cause one more pass, so rapid changes never pile up.
   */
  private synchronize(): Promise<void> {
    this.syncRequested = true;
    this.syncing ??= (async () => {
      try {
        while (this.syncRequested) {
          this.syncRequested = false;
          const listener = this.listener;
          if (!listener) return;
          try {
            await this.applySubscriptions(listener);
          } catch (error) {
            // A connection lost meanwhile is the reconnect's business; a live one that refused is replaced.
            if (this.listener !== listener) continue;
            this.onListenerLost(listener, error as Error);
            throw error;
          }
        }
      } finally {
        this.syncing = null;
      }
    })();
    return this.syncing;
  }

  private async applySubscriptions(listener: Listener): Promise<void> {
    // The reset topic is always listened to; it is the bus's own, not a subscription.
    for (const topic of [RESET_TOPIC, ...this.handlers.keys()]) {
      if (listener.topics.has(topic)) continue;
      await this.command(listener, `LISTEN ${quoteChannel(topic)}`);
      listener.topics.add(topic);
    }
    for (const topic of [...listener.topics]) {
      if (topic === RESET_TOPIC || this.handlers.has(topic)) continue;
      await this.command(listener, `UNLISTEN ${quoteChannel(topic)}`);
      listener.topics.delete(topic);
    }
  }

  // Receiving

  private onNotification(listener: Listener, notification: pg.Notification): void {
    if (this.listener !== listener || !notification.channel.startsWith(CHANNEL_PREFIX)) return;
    const topic = notification.channel.slice(CHANNEL_PREFIX.length);
    if (topic === RESET_TOPIC) {
      // Everything derived from the shared state is to be dropped: the same as after missed messages.
      this.deps.logger.info('the shared state was replaced (a restore); dropping local copies');
      this.emitGap([...this.handlers.keys()]);
      return;
    }
    if (!this.handlers.has(topic)) return;
    const envelope = parseEnvelope(notification.payload);
    if (!envelope) {
      this.deps.logger.warn({ topic }, 'ignored a bus notification that is not a Gatehouse envelope');
      return;
    }
    if ('r' in envelope) this.fetchAndDeliver(topic, envelope.r, envelope.o);
    else this.deliver(topic, envelope.m, envelope.o);
  }

  private fetchAndDeliver(topic: string, reference: string, origin: string): void {
    if (this.referenceFetches >= MAX_REFERENCE_FETCHES) {
      this.dropMessage(topic, reference, new Error(`more than ${MAX_REFERENCE_FETCHES} payloads are being fetched already`));
      return;
    }
    this.referenceFetches++;
    this.deps.pool
      .query<{ payload: string }>(FETCH_PAYLOAD_SQL, [reference, topic])
      .then(({ rows }) => {
        const row = rows[0];
        if (!row) throw new Error('the payload row is gone (older than the retention?)');
        if (!this.closed) this.deliver(topic, JSON.parse(row.payload), origin);
      })
      .catch((error: unknown) => this.dropMessage(topic, reference, error))
      .finally(() => this.referenceFetches--);
  }

  private dropMessage(topic: string, reference: string, error: unknown): void {
    if (this.closed) return;
    this.counters.dropped++;
    this.deps.logger.error({ err: error, topic, reference }, 'dropped a bus message sent by reference');
    this.emitGap([topic]);
  }

  private deliver(topic: string, message: unknown, origin: string): void {
    const subscriptions = this.handlers.get(topic);
    if (!subscriptions) return;
    this.counters.received++;
    const meta: MessageMeta = { origin };
    // A copy: a handler may unsubscribe itself or others.
    for (const { handler } of [...subscriptions]) {
      this.guard(topic, () => handler(message, meta));
    }
  }

  private emitGap(topics: string[]): void {
    for (const listener of [...this.gapListeners]) this.guard('(gap)', () => listener({ topics }));
  }

  /** Runs a subscriber's code so that its failure, thrown or rejected, is logged and counted, and stays there. */
  private guard(topic: string, run: () => unknown): void {
    const onError = (error: unknown) => {
      this.counters.handlerErrors++;
      this.deps.logger.error({ err: error, topic }, 'a bus subscriber failed');
    };
    try {
      const result = run();
      if (isPromiseLike(result)) result.then(undefined, onError);
    } catch (error) {
      onError(error);
    }
  }
}

export function assertTopic(topic: string): void {
  if (typeof topic !== 'string' || !TOPIC_PATTERN.test(topic)) throw new InvalidTopicError(String(topic));
}

function quoteChannel(topic: string): string {
  return pg.escapeIdentifier(CHANNEL_PREFIX + topic);
}

function parseEnvelope(payload: string | undefined): Envelope | null {
  try {
    const value: unknown = JSON.parse(payload ?? '');
    if (typeof value !== 'object' || value === null || typeof (value as { o?: unknown }).o !== 'string') return null;
    if (typeof (value as { r?: unknown }).r === 'string') return value as Envelope;
    return 'm' in value ? (value as Envelope) : null;
  } catch {
    return null;
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
