import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { connectionsByApplication, createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { createTestBus, startBusPeer, waitUntil, type BusPeer, type TestBus, type TestBusOptions } from '../fixtures/bus-peer.ts';
import { InvalidTopicError, NOTIFY_PAYLOAD_MAX_BYTES, notifyTopic, RESET_TOPIC, type MessageMeta } from '../../server/src/platform/bus.ts';

let db: TestDatabase;
let peer: BusPeer | undefined;
const opened: TestBus[] = [];

beforeAll(async () => (db = await createTestDatabase()));
afterEach(async () => {
  for (const { bus } of opened.splice(0)) await bus.close();
});
afterAll(async () => {
  await peer?.stop();
  await db?.drop();
});

async function startedBus(options: Partial<TestBusOptions> = {}): Promise<TestBus> {
  const testBus = createTestBus({ target: db.config, pool: db.pool, instanceId: `test-${randomBytes(4).toString('hex')}`, ...options });
  opened.push(testBus);
  await testBus.bus.start();
  return testBus;
}

/** Subscribes a handler that records what it receives. */
function record<T = unknown>(testBus: TestBus, topic: string) {
  const received: { message: T; meta: MessageMeta }[] = [];
  const unsubscribe = testBus.bus.subscribe<T>(topic, (message, meta) => received.push({ message, meta }));
  return { received, unsubscribe };
}

async function listenerConnections(testBus: TestBus): Promise<number> {
  return (await connectionsByApplication(db.pool, db.name)).get(testBus.applicationName) ?? 0;
}

async function listeningChannels(testBus: TestBus): Promise<string[]> {
  const client = testBus.clients.at(-1)!;
  const { rows } = await client.query<{ channel: string }>('SELECT pg_listening_channels() AS channel');
  return rows.map((r) => r.channel).sort();
}

async function payloadRows(topic: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM bus_payloads WHERE topic = $1', [topic]);
  return rows[0]!.n;
}

describe('Bus', () => {
  it('delivers a published message to a subscriber, with the publishing instance as its origin', async () => {
    const local = await startedBus();
    const { received } = record(local, 'greetings');
    await local.bus.whenSubscribed();
    await local.bus.publish('greetings', { hello: 'world', n: 1, list: [1, 2] });
    await waitUntil(() => received.length === 1, 'the message arrives');
    expect(received[0]).toEqual({ message: { hello: 'world', n: 1, list: [1, 2] }, meta: { origin: local.instanceId } });
    expect(local.bus.stats()).toMatchObject({ published: 1, received: 1, byReference: 0, connected: true, subscriptions: 1 });
  });

  it('listens to many topics over one connection, and each handler gets only its own topic', async () => {
    const local = await startedBus();
    const topics = Array.from({ length: 25 }, (_, i) => `many.topic-${i}`);
    const recorders = topics.map((topic) => record<string>(local, topic));
    await local.bus.whenSubscribed();
    expect(await listenerConnections(local)).toBe(1);
    expect(local.bus.stats().subscriptions).toBe(25);
    await Promise.all(topics.map((topic) => local.bus.publish(topic, topic)));
    await waitUntil(() => recorders.every((r) => r.received.length === 1), 'every topic has its message');
    recorders.forEach((r, i) => expect(r.received.map((x) => x.message)).toEqual([topics[i]]));
    expect(await listenerConnections(local)).toBe(1);
  });

  it('sends a message whose NOTIFY text is exactly the limit inline, and one byte more by reference', async () => {
    const local = await startedBus();
    const { received } = record<string>(local, 'edge');
    await local.bus.whenSubscribed();
    const overhead = Buffer.byteLength(`{"o":${JSON.stringify(local.instanceId)},"m":""}`);
    const atLimit = 'a'.repeat(NOTIFY_PAYLOAD_MAX_BYTES - overhead);
    await local.bus.publish('edge', atLimit);
    expect(local.bus.stats().byReference).toBe(0);
    await local.bus.publish('edge', `${atLimit}b`);
    expect(local.bus.stats().byReference).toBe(1);
    await waitUntil(() => received.length === 2, 'both messages arrive');
    expect(new Set(received.map((r) => r.message))).toEqual(new Set([atLimit, `${atLimit}b`]));
    expect(await payloadRows('edge')).toBe(1);
  });

  it('delivers a payload over 8000 bytes intact by reference, measuring bytes rather than characters', async () => {
    const local = await startedBus();
    const { received } = record(local, 'large');
    await local.bus.whenSubscribed();
    // 3000 characters but 9000 bytes: a length check on characters would try to notify it inline and fail.
    const large = { euros: '€'.repeat(3_000), nested: { list: Array.from({ length: 50 }, (_, i) => ({ i, quote: 'say "hi" \\ ok' })) } };
    await local.bus.publish('large', large);
    await waitUntil(() => received.length === 1, 'the large message arrives');
    expect(received[0]).toEqual({ message: large, meta: { origin: local.instanceId } });
    expect(local.bus.stats().byReference).toBe(1);
    expect(await payloadRows('large')).toBe(1);
  });

  it('reconnects after its listening connection is terminated, listens to every topic again, reports the gap, and delivers later messages', async () => {
    const local = await startedBus();
    const first = record<string>(local, 'after-gap.one');
    const second = record<string>(local, 'after-gap.two');
    const gaps: string[][] = [];
    local.bus.onGap(({ topics }) => gaps.push([...topics].sort()));
    await local.bus.whenSubscribed();

    const { rows } = await db.pool.query<{ ok: boolean }>(
      'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1 AND datname = $2',
      [local.applicationName, db.name],
    );
    expect(rows).toEqual([{ ok: true }]);
    await waitUntil(() => gaps.length === 1, 'the gap is reported');

    expect(gaps[0]).toEqual(['after-gap.one', 'after-gap.two']);
    expect(local.bus.stats()).toMatchObject({ reconnects: 1, connected: true });
    expect(local.clients).toHaveLength(2);
    expect(await listeningChannels(local)).toEqual(['gatehouse:after-gap.one', 'gatehouse:after-gap.two', 'gatehouse:platform.reset']);
    await waitUntil(async () => (await listenerConnections(local)) === 1, 'only the new listening connection remains');
    await local.bus.publish('after-gap.one', 'one');
    await local.bus.publish('after-gap.two', 'two');
    await waitUntil(() => first.received.length === 1 && second.received.length === 1, 'later messages arrive');
    expect([first.received[0]!.message, second.received[0]!.message]).toEqual(['one', 'two']);
  });

  it('replaces a listening connection that stops answering its heartbeat', async () => {
    const local = await startedBus({ heartbeat: { intervalMs: 100, timeoutMs: 300 } });
    const { received } = record<string>(local, 'heartbeat');
    const gaps: string[][] = [];
    local.bus.onGap(({ topics }) => gaps.push(topics));
    await local.bus.whenSubscribed();
    const { rows } = await db.pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [local.applicationName]);
    const pid = rows[0]!.pid;
    // A stopped backend keeps its socket open but never answers: what a half-open TCP connection looks like.
    process.kill(pid, 'SIGSTOP');
    try {
      await waitUntil(() => gaps.length === 1, 'the unanswered heartbeat leads to a reconnect');
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    expect(local.bus.stats().reconnects).toBe(1);
    await local.bus.publish('heartbeat', 'still here');
    await waitUntil(() => received.length === 1, 'a message arrives over the new connection');
  });

  it('stops reconnecting once closed', async () => {
    const local = await startedBus();
    record(local, 'closing');
    await local.bus.whenSubscribed();
    await db.pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [local.applicationName]);
    await waitUntil(() => !local.bus.stats().connected, 'the loss is noticed');
    await local.bus.close();
    // Longer than the first reconnect delay (at most 100 ms).
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(local.clients).toHaveLength(1);
    expect(await listenerConnections(local)).toBe(0);
    await expect(local.bus.publish('closing', 1)).rejects.toThrow(/closed/);
  });

  it('keeps delivering to the other handlers when one throws or rejects, and logs and counts each failure', async () => {
    const logged: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => void logged.push(line) });
    const local = await startedBus({ logger });
    local.bus.subscribe('faulty', () => {
      throw new Error('handler bug');
    });
    local.bus.subscribe('faulty', async () => {
      throw new Error('async handler bug');
    });
    const healthy = record<number>(local, 'faulty');
    await local.bus.whenSubscribed();
    await local.bus.publish('faulty', 1);
    await local.bus.publish('faulty', 2);
    await waitUntil(() => healthy.received.length === 2, 'the healthy handler gets both messages');
    await waitUntil(() => local.bus.stats().handlerErrors === 4, 'every failure is counted');
    expect(logged.filter((line) => line.includes('a bus subscriber failed'))).toHaveLength(4);
    expect(logged.join('')).toContain('async handler bug');
  });

  it('stops delivering to a handler once it unsubscribes, and stops listening when the last one goes', async () => {
    const local = await startedBus();
    const leaving = record<string>(local, 'leaving');
    const staying = record<string>(local, 'leaving');
    const other = record<string>(local, 'other');
    await local.bus.whenSubscribed();
    expect(await listeningChannels(local)).toEqual(['gatehouse:leaving', 'gatehouse:other', 'gatehouse:platform.reset']);

    leaving.unsubscribe();
    await local.bus.publish('leaving', 'first');
    await waitUntil(() => staying.received.length === 1, 'the remaining handler gets the message');
    expect(leaving.received).toEqual([]);

    staying.unsubscribe();
    staying.unsubscribe();
    await local.bus.whenSubscribed();
    expect(await listeningChannels(local)).toEqual(['gatehouse:other', 'gatehouse:platform.reset']);
    expect(local.bus.stats().subscriptions).toBe(1);
    await local.bus.publish('leaving', 'second');
    await local.bus.publish('other', 'marker');
    await waitUntil(() => other.received.length === 1, 'a later message on another topic arrives');
    expect(staying.received.map((r) => r.message)).toEqual(['first']);
  });

  it('rejects a topic name outside the allowed pattern with an error that names it', async () => {
    const local = await startedBus();
    for (const topic of ['', 'Upper', 'with space', 'quote"d', '-leading', 'x'.repeat(42), 'semi;colon']) {
      expect(() => local.bus.subscribe(topic, () => undefined)).toThrow(InvalidTopicError);
      await expect(local.bus.publish(topic, 1)).rejects.toThrow(`"${topic}" is not a bus topic`);
    }
    expect(() => local.bus.subscribe('x'.repeat(41), () => undefined)).not.toThrow();
  });

  it('refuses to publish a message that is not a JSON value', async () => {
    const local = await startedBus();
    await expect(local.bus.publish('json', undefined)).rejects.toThrow(TypeError);
    await expect(local.bus.publish('json', () => 1)).rejects.toThrow(/JSON value/);
    expect(local.bus.stats().published).toBe(0);
  });

  it('reports a gap and counts a drop when a by-reference payload cannot be found', async () => {
    const local = await startedBus();
    const { received } = record(local, 'missing');
    const gaps: string[][] = [];
    local.bus.onGap(({ topics }) => gaps.push(topics));
    await local.bus.whenSubscribed();
    await db.pool.query(`SELECT pg_notify('gatehouse:missing', '{"o":"elsewhere","r":"999999999"}')`);
    await waitUntil(() => gaps.length === 1, 'the gap is reported');
    expect(gaps[0]).toEqual(['missing']);
    expect(local.bus.stats().dropped).toBe(1);
    expect(received).toEqual([]);
  });

  it('delivers between two processes in both directions, large payloads included', async () => {
    peer = await startBusPeer(db.url, `peer-${randomBytes(4).toString('hex')}`);
    const local = await startedBus();

    await peer.request({ cmd: 'subscribe', topic: 'to-peer' });
    const large = { blob: 'x'.repeat(20_000) };
    await local.bus.publish('to-peer', { from: 'test' });
    await local.bus.publish('to-peer', large);
    const small = await peer.waitForMessage((m) => m.topic === 'to-peer' && (m.message as { from?: string }).from === 'test');
    expect(small.origin).toBe(local.instanceId);
    const big = await peer.waitForMessage((m) => m.topic === 'to-peer' && (m.message as { blob?: string }).blob !== undefined);
    expect(big.message).toEqual(large);

    const back = record<{ from: string }>(local, 'from-peer');
    await local.bus.whenSubscribed();
    await peer.request({ cmd: 'publish', topic: 'from-peer', message: { from: 'peer' } });
    await waitUntil(() => back.received.length === 1, 'the peer’s message arrives');
    expect(back.received[0]).toEqual({ message: { from: 'peer' }, meta: { origin: peer.instanceId } });
  });
});

describe('Bus reset', () => {
  it('every bus listens to platform.reset, and a reset message (sent by any connection) is a gap for every subscriber', async () => {
    const local = await startedBus();
    const gaps: string[][] = [];
    local.bus.onGap((info) => gaps.push(info.topics));
    local.bus.subscribe('some.topic', () => undefined);
    await local.bus.whenSubscribed();
    expect(await listeningChannels(local)).toContain('gatehouse:platform.reset');
    expect(local.bus.stats().subscriptions).toBe(1);
    await notifyTopic(db.pool, RESET_TOPIC, { restoredFrom: 'test' }, 'a-cli');
    await expect.poll(() => gaps.length, { timeout: 5_000 }).toBe(1);
    expect(gaps[0]).toEqual(['some.topic']);
  });
});
