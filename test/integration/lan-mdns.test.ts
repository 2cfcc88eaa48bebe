// The host name advertised over mDNS: asked for with a multicast-dns client when this machine lets multicast reach
// its own sockets (on the loopback interface, else looped back on the default one), otherwise checked in-process
// from the records the responder holds. The test prints which of the two happened.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { validateConfig } from '../../server/src/appliance/config.ts';
import { SecretBox } from '../../server/src/secrets/secret-box.ts';
import { LanService } from '../../server/src/lan/service.ts';

/** multicast-dns (a dependency of bonjour-service) has no types; the little used here. */
interface MdnsPacket {
  answers: Array<{ name: string; type: string; ttl?: number; data: unknown }>;
  questions?: Array<{ name: string; type: string }>;
}
interface Mdns {
  query(query: { questions: Array<{ name: string; type: string }> }): void;
  on(event: 'response' | 'query', listener: (packet: MdnsPacket) => void): void;
  on(event: 'error' | 'warning', listener: (error: Error) => void): void;
  destroy(callback?: () => void): void;
}
const multicastDns = createRequire(import.meta.url)('multicast-dns') as (options?: object) => Mdns;

const logger = pino({ level: 'silent' });
let db: TestDatabase;
let app: FastifyInstance;
const folders: string[] = [];

function lanService(hostname: string, options: { mdns?: boolean } = {}): LanService {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-mdns-'));
  folders.push(dir);
  const config = validateConfig({ lan: { enabled: true, hostname, mdns: options.mdns ?? true, port: 0 } });
  return new LanService({ config: config.lan, pool: db.pool, secrets: new SecretBox(randomBytes(32)), dataDir: dir, publicUrl: `https://${hostname}`, logger });
}

/** Whether a multicast query sent with these options reaches another socket on this machine (a fact about the machine, not about Gatehouse). */
async function multicastReachesThisMachine(options: object): Promise<boolean> {
  const sender = multicastDns(options);
  const receiver = multicastDns(options);
  for (const socket of [sender, receiver]) socket.on('error', () => undefined), socket.on('warning', () => undefined);
  const name = `gh-probe-${randomBytes(4).toString('hex')}.local`;
  try {
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 2_000);
      receiver.on('query', (packet) => {
        if (packet.questions?.some((question) => question.name === name)) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      setTimeout(() => sender.query({ questions: [{ name, type: 'A' }] }), 200);
    });
  } finally {
    sender.destroy();
    receiver.destroy();
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  app = Fastify();
  app.get('/healthz', async () => ({ ok: true }));
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
  for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
});

describe('mDNS advertisement', () => {
  it('answers a multicast query for the host name with this machine\'s addresses, and says goodbye at stop', async () => {
    const hostname = `gh-${randomBytes(4).toString('hex')}.local`;
    const lan = lanService(hostname);
    const port = await lan.listen(app, 0);
    try {
      const interfaceOptions = await findMulticast();
      if (interfaceOptions === null) {
        console.info('mDNS: this machine does not deliver multicast to its own sockets; checked the advertised records in-process instead');
        const own = ownAddresses();
        const addressRecords = lan.advertisedRecords().filter((record) => record.type === 'A' || record.type === 'AAAA');
        expect(addressRecords.length).toBeGreaterThan(0);
        expect(addressRecords.every((record) => record.name === hostname && own.includes(record.data as string))).toBe(true);
        return;
      }
      console.info(`mDNS: asked with multicast-dns ${'interface' in interfaceOptions ? 'on the loopback interface' : 'on the default interface, looped back to this machine (loopback has no multicast here)'}, and the responder answered`);
      const querier = multicastDns(interfaceOptions);
      querier.on('warning', () => undefined);
      const seen: MdnsPacket['answers'] = [];
      querier.on('response', (packet) => seen.push(...packet.answers.filter((answer) => answer.name === hostname)));
      try {
        // The responder answers once it has probed and announced (RFC 6762 §8): ask until it does.
        const ask = setInterval(() => querier.query({ questions: [{ name: hostname, type: 'A' }] }), 500);
        await expect.poll(() => seen.some((answer) => answer.type === 'A' && (answer.ttl ?? 0) > 0), { timeout: 20_000, interval: 100 }).toBe(true);
        clearInterval(ask);
        const addresses = seen.filter((answer) => answer.type === 'A').map((answer) => answer.data as string);
        expect(addresses.every((address) => ownAddresses().includes(address))).toBe(true);
        expect(lan.status().mdns.state).toBe('advertised');

        await lan.stop();
        // RFC 6762 §10.1: the goodbye is the same records with TTL 0.
        await expect.poll(() => seen.some((answer) => answer.type === 'A' && answer.ttl === 0), { timeout: 10_000, interval: 100 }).toBe(true);
        expect(lan.status().mdns.state).toBe('stopped');
      } finally {
        querier.destroy();
      }
    } finally {
      await lan.stop();
    }
  });

  it('holds A records for the host name and an _https._tcp service pointing at it', async () => {
    const hostname = `gh-${randomBytes(4).toString('hex')}.local`;
    const lan = lanService(hostname);
    const port = await lan.listen(app, 0);
    try {
      const records = lan.advertisedRecords();
      expect(records.find((record) => record.type === 'SRV')).toMatchObject({ name: expect.stringMatching(/\._https\._tcp\.local$/), data: { port, target: hostname } });
      expect(records.filter((record) => record.type === 'A' || record.type === 'AAAA').every((record) => record.name === hostname)).toBe(true);
      expect(['probing', 'advertised']).toContain(lan.status().mdns.state);
    } finally {
      await lan.stop();
    }
  });

  it('does not advertise a name outside .local, and says why', async () => {
    const lan = lanService('id.home.arpa');
    await lan.listen(app, 0);
    try {
      expect(lan.advertisedRecords()).toEqual([]);
      expect(lan.status().mdns).toMatchObject({ state: 'not_local', message: expect.stringContaining('point it at this machine in your DNS') });
    } finally {
      await lan.stop();
    }
  });

  it('does not advertise when lan.mdns is off', async () => {
    const lan = lanService(`gh-${randomBytes(4).toString('hex')}.local`, { mdns: false });
    await lan.listen(app, 0);
    try {
      expect(lan.advertisedRecords()).toEqual([]);
      expect(lan.status().mdns.state).toBe('off');
    } finally {
      await lan.stop();
    }
  });
});

function ownAddresses(): string[] {
  return Object.values(os.networkInterfaces()).flat().flatMap((address) => (address && !address.internal ? [address.address] : []));
}

/** The first way multicast reaches this machine's own sockets: the loopback interface, else the default one. */
async function findMulticast(): Promise<object | null> {
  for (const options of [{ interface: '127.0.0.1' }, {}]) {
    if (await multicastReachesThisMachine(options)) return options;
  }
  return null;
}
