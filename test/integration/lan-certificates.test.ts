// LAN mode's CA and server certificate on a real database and data dir: made on first start, reused on the next,
// renewed when the host name, the addresses or the time say so; the CA kept across a restore and a new machine.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { NetworkInterfaceInfo } from 'node:os';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { validateConfig } from '../../server/src/appliance/config.ts';
import { SecretBox } from '../../server/src/secrets/secret-box.ts';
import { LanService } from '../../server/src/lan/service.ts';
import { AUTHORITY_SETTING, AuthorityStore } from '../../server/src/lan/authority-store.ts';

const DAY = 24 * 60 * 60 * 1000;
const logger = pino({ level: 'silent' });
const masterKey = randomBytes(32);
let db: TestDatabase;
const folders: string[] = [];

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-lan-'));
  folders.push(dir);
  return dir;
}

function interfaces(...addresses: string[]): () => NodeJS.Dict<NetworkInterfaceInfo[]> {
  return () => ({ eth0: addresses.map((address) => ({ address, family: address.includes(':') ? 'IPv6' : 'IPv4', internal: false, netmask: '', mac: '02:00:00:00:00:01', cidr: null, scopeid: 0 }) as NetworkInterfaceInfo) });
}

function lanService(dir: string, options: { hostname?: string; addresses?: string[]; key?: Buffer } = {}): LanService {
  const config = validateConfig({ lan: { enabled: true, hostname: options.hostname ?? 'gatehouse.local', mdns: false } });
  return new LanService({
    config: config.lan,
    pool: db.pool,
    secrets: new SecretBox(options.key ?? masterKey),
    dataDir: dir,
    publicUrl: `https://${config.lan.hostname}:9443`,
    logger,
    networkInterfaces: interfaces(...(options.addresses ?? ['192.168.1.20'])),
  });
}

const tls = (dir: string, name: string) => path.join(dir, 'tls', name);

beforeAll(async () => {
  db = await createTestDatabase();
});

beforeEach(async () => {
  await db.pool.query('DELETE FROM settings WHERE key = $1', [AUTHORITY_SETTING]);
});

afterAll(async () => {
  await db?.drop();
  for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
});

describe('first start', () => {
  it('makes a CA and a server certificate, stores them 0600 in <data>/tls, and keeps no key in the clear', async () => {
    const dir = dataDir();
    const lan = lanService(dir);
    await lan.prepare();
    const status = lan.status();
    expect(status.certificateAuthority?.fingerprintSha256).toMatch(/^[0-9A-F:]{95}$/);
    expect(status.serverCertificate).toMatchObject({ dnsNames: ['gatehouse.local', 'localhost'], ipAddresses: ['127.0.0.1', '::1', '192.168.1.20'], issuedBecause: 'missing' });

    expect(fs.statSync(path.join(dir, 'tls')).mode & 0o777).toBe(0o700);
    for (const name of ['ca.crt', 'ca.key.sealed', 'server.crt', 'server.key.sealed']) expect(fs.statSync(tls(dir, name)).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(tls(dir, 'ca.crt'), 'utf8')).toBe(lan.authorityCertificatePem());
    // The keys on disk are sealed with the master key: no PEM, no DER, nothing a reader of the file can use.
    for (const name of ['ca.key.sealed', 'server.key.sealed']) {
      const text = fs.readFileSync(tls(dir, name), 'utf8');
      expect(text).not.toContain('PRIVATE KEY');
      expect(text.trim()).toMatch(/^v1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    }
  });

  it('keeps the CA in the database as the original, its key sealed', async () => {
    const lan = lanService(dataDir());
    await lan.prepare();
    const { rows } = await db.pool.query<{ value: { certificate: string; privateKeySealed: string } }>('SELECT value FROM settings WHERE key = $1', [AUTHORITY_SETTING]);
    expect(rows[0]!.value.certificate).toBe(lan.authorityCertificatePem());
    expect(rows[0]!.value.privateKeySealed).toMatch(/^v1\./);
    expect(JSON.stringify(rows[0]!.value)).not.toContain('PRIVATE KEY');
  });
});

describe('the next start', () => {
  it('reuses the CA and the server certificate', async () => {
    const dir = dataDir();
    const first = lanService(dir);
    await first.prepare();
    const serverPem = fs.readFileSync(tls(dir, 'server.crt'), 'utf8');
    const again = lanService(dir);
    await again.prepare();
    expect(again.status().certificateAuthority!.fingerprintSha256).toBe(first.status().certificateAuthority!.fingerprintSha256);
    expect(again.status().serverCertificate!.issuedBecause).toBeNull();
    expect(fs.readFileSync(tls(dir, 'server.crt'), 'utf8')).toBe(serverPem);
  });

  it('makes a new CA and certificate when the host name changes (the old CA may not sign for it)', async () => {
    const dir = dataDir();
    const first = lanService(dir);
    await first.prepare();
    const renamed = lanService(dir, { hostname: 'idp.local' });
    await renamed.prepare();
    const status = renamed.status();
    expect(status.certificateAuthority!.fingerprintSha256).not.toBe(first.status().certificateAuthority!.fingerprintSha256);
    expect(status.certificateAuthority!.replaced).toEqual({ reason: 'hostname_not_permitted', previousFingerprintSha256: first.status().certificateAuthority!.fingerprintSha256 });
    expect(status.serverCertificate).toMatchObject({ dnsNames: ['idp.local', 'localhost'], issuedBecause: 'not_issued_by_current_ca' });
  });

  it('issues a new server certificate from the same CA when an address changes', async () => {
    const dir = dataDir();
    await lanService(dir).prepare();
    const moved = lanService(dir, { addresses: ['192.168.1.20', '10.0.0.4', '203.0.113.7'] });
    await moved.prepare();
    expect(moved.status().serverCertificate).toMatchObject({ issuedBecause: 'addresses_changed', ipAddresses: ['127.0.0.1', '::1', '10.0.0.4', '192.168.1.20'] });
    expect(moved.status().leftOutAddresses).toEqual(['203.0.113.7']);
    expect(moved.status().certificateAuthority!.replaced).toBeNull();
  });

  it('renews the server certificate when fewer than 30 days remain, and keeps the CA', async () => {
    const lan = lanService(dataDir());
    await lan.prepare();
    const ca = lan.status().certificateAuthority!.fingerprintSha256;
    expect(await lan.refresh(new Date(Date.now() + 300 * DAY))).toBeNull();
    expect(await lan.refresh(new Date(Date.now() + 370 * DAY))).toBe('expiring');
    expect(lan.status().certificateAuthority!.fingerprintSha256).toBe(ca);
  });
});

describe('the CA across machines and restores', () => {
  it('serves a new data dir on the same database (a restored database on a new machine) with the same CA', async () => {
    const first = lanService(dataDir());
    await first.prepare();
    const elsewhere = lanService(dataDir());
    await elsewhere.prepare();
    expect(elsewhere.status().certificateAuthority!.fingerprintSha256).toBe(first.status().certificateAuthority!.fingerprintSha256);
    expect(elsewhere.status().serverCertificate!.issuedBecause).toBe('missing');
  });

  it('puts the data dir\'s copy back when the database lost the CA (a backup from before LAN mode was restored)', async () => {
    const dir = dataDir();
    const first = lanService(dir);
    await first.prepare();
    await db.pool.query('DELETE FROM settings WHERE key = $1', [AUTHORITY_SETTING]);
    const after = lanService(dir);
    await after.prepare();
    expect(after.status().certificateAuthority!.fingerprintSha256).toBe(first.status().certificateAuthority!.fingerprintSha256);
    const { rows } = await db.pool.query<{ value: { certificate: string } }>('SELECT value FROM settings WHERE key = $1', [AUTHORITY_SETTING]);
    expect(rows[0]!.value.certificate).toBe(first.authorityCertificatePem());
  });

  it('makes a new CA, and says so, when the stored one was sealed with another master key and no copy can be opened', async () => {
    await lanService(dataDir(), { key: randomBytes(32) }).prepare();
    const lan = lanService(dataDir());
    await lan.prepare();
    expect(lan.status().certificateAuthority!.replaced).toEqual({ reason: 'unreadable', previousFingerprintSha256: null });
  });

  it('makes one CA when two instances start at once on an empty database', async () => {
    const store = (dir: string) => new AuthorityStore({ pool: db.pool, secrets: new SecretBox(masterKey), dir: path.join(dir, 'tls'), logger });
    const [a, b] = await Promise.all([store(dataDir()).ensure('gatehouse.local'), store(dataDir()).ensure('gatehouse.local')]);
    expect(a.facts.fingerprintSha256).toBe(b.facts.fingerprintSha256);
    expect([a.origin, b.origin].sort()).toEqual(['created', 'database']);
  });
});
