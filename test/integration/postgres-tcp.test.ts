// The embedded PostgreSQL's optional TCP listener: loopback only, TLS 1.3 only, SCRAM-SHA-256.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDataDir, startServe, tempDataDir, type ServeProcess } from '../helpers/serve.ts';

let dataDir: string;
let server: ServeProcess;
let port: number;
let password: string;

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port: free } = probe.address() as net.AddressInfo;
  await new Promise((r) => probe.close(r));
  return free;
}

function tcpClient(ssl: pg.ClientConfig['ssl'], user = 'gatehouse', pass = password): pg.Client {
  return new pg.Client({ host: '127.0.0.1', port, user, password: pass, database: 'gatehouse', ssl, connectionTimeoutMillis: 5_000 });
}

beforeAll(async () => {
  dataDir = tempDataDir();
  port = await freePort();
  server = await startServe(dataDir, { args: ['--postgres-tcp', '--postgres-tcp-port', String(port)] });
  password = fs.readFileSync(path.join(dataDir, 'secrets', 'postgres-password'), 'utf8').trim();
});

afterAll(async () => {
  await server?.stop();
  removeDataDir(dataDir);
});

describe('with postgres.tcp.enabled', () => {
  it('accepts a TLS 1.3 connection on 127.0.0.1 with the generated certificate', async () => {
    const ca = fs.readFileSync(path.join(dataDir, 'postgres-tls', 'server.crt'), 'utf8');
    const client = tcpClient({ ca, servername: 'localhost' });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()`);
      expect(rows[0]).toEqual({ ssl: true, version: 'TLSv1.3' });
      const listen = await client.query(`SELECT current_setting('listen_addresses') AS v`);
      expect(listen.rows[0].v).toBe('127.0.0.1');
    } finally {
      await client.end();
    }
  });

  it('refuses a connection without TLS', async () => {
    await expect(tcpClient(false).connect()).rejects.toThrow(/no pg_hba.conf entry|SSL off/);
  });

  it('refuses a client that offers at most TLS 1.2', async () => {
    await expect(tcpClient({ rejectUnauthorized: false, maxVersion: 'TLSv1.2' }).connect()).rejects.toThrow();
  });

  it('refuses a wrong password', async () => {
    await expect(tcpClient({ rejectUnauthorized: false }, 'gatehouse', 'not-the-password').connect()).rejects.toThrow(/password authentication failed/);
  });

  it('keeps the certificate key readable by its owner only', () => {
    expect(fs.statSync(path.join(dataDir, 'postgres-tls', 'server.key')).mode & 0o777).toBe(0o600);
  });

  it('stores passwords as SCRAM-SHA-256', async () => {
    const client = tcpClient({ rejectUnauthorized: false });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT rolpassword LIKE 'SCRAM-SHA-256$%' AS scram FROM pg_authid WHERE rolname = 'gatehouse'`);
      expect(rows[0].scram).toBe(true);
    } finally {
      await client.end();
    }
  });
});
