// LAN mode through the front door: the whole app behind the LAN listener over real TLS on 127.0.0.1, with clients
// that trust only the generated CA; the admin surface refused there unless allowed; the loopback listener unchanged.
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestApp, freePort, type TestApp } from '../helpers/app.ts';
import type { IdentityService } from '../../server/src/identity/index.ts';
import { sessionCookieName } from '../../server/src/identity/session-cookie.ts';
import { ApiTokenRepo } from '../../server/src/admin/tokens/repo.ts';
import { newApiToken } from '../../server/src/admin/tokens/token-format.ts';
import type { AdminScope } from '../../server/src/admin/scopes.ts';
import { lanServiceOf, type LanService } from '../../server/src/lan/index.ts';
import { AuthorityStore } from '../../server/src/lan/authority-store.ts';
import { issueServerCertificate } from '../../server/src/lan/certificates.ts';
import { tlsDir } from '../../server/src/lan/tls-files.ts';
import type { LanStatusView } from '../../server/src/lan/schemas.ts';

const HOSTNAME = 'gatehouse.local';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  protocol: string | null;
}

interface LanApp {
  test: TestApp;
  lan: LanService;
  port: number;
  caPem: string;
  token(scopes: AdminScope[]): Promise<string>;
  adminSession: string;
}

async function startLanApp(options: { allowAdmin?: boolean } = {}): Promise<LanApp> {
  const port = await freePort();
  const test = await createTestApp({
    listen: true,
    config: { lan: { enabled: true, hostname: HOSTNAME, port, mdns: false, allowAdmin: options.allowAdmin ?? false }, http: { publicUrl: `https://${HOSTNAME}:${port}` } },
  });
  const lan = lanServiceOf(test.domains)!;
  await lan.listen(test.app, port);
  const identity = test.service<IdentityService>('identity');
  const admin = await identity.createUser({ username: 'ada', password: 'a long password 1', isAdmin: true });
  const adminSession = (await identity.createSession(admin.id, { authMethods: ['pwd'] })).token;
  const tokens = new ApiTokenRepo(test.platform.pool);
  return {
    test,
    lan,
    port,
    caPem: lan.authorityCertificatePem()!,
    adminSession,
    async token(scopes) {
      const { token, tokenSha256 } = newApiToken();
      await tokens.insert({ name: `lan-${scopes.join('-')}`, tokenSha256, scopes, createdBy: admin.id, expiresAt: new Date(Date.now() + 86_400_000) });
      return token;
    },
  };
}

/** One HTTPS request to 127.0.0.1, checking the certificate against `ca` for `servername` (no agent, no reuse). */
function request(port: number, path: string, options: { ca?: string; servername?: string; method?: string; headers?: Record<string, string>; minVersion?: tls.SecureVersion; maxVersion?: tls.SecureVersion } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = https.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
        servername: options.servername ?? HOSTNAME,
        // Only what the test gives: with no `ca`, node's bundled public roots, which do not know the Gatehouse CA.
        ...(options.ca ? { ca: [options.ca] } : {}),
        ...(options.minVersion ? { minVersion: options.minVersion } : {}),
        ...(options.maxVersion ? { maxVersion: options.maxVersion } : {}),
        agent: false,
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body, protocol: (response.socket as tls.TLSSocket).getProtocol?.() ?? null }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** The app's own (loopback) listener: what the desktop window and the CLI use. */
function loopbackUrl(app: LanApp): string {
  return `http://127.0.0.1:${(app.test.app.server.address() as { port: number }).port}`;
}

/** Opens the live-updates socket and returns its first message; rejects with the HTTP status when it is refused. */
async function firstLiveMessage(url: string, options: WebSocket.ClientOptions): Promise<unknown> {
  const socket = new WebSocket(url, options);
  try {
    return JSON.parse(
      await new Promise<string>((resolve, reject) => {
        socket.once('message', (data) => resolve(String(data)));
        socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
        socket.once('error', reject);
      }),
    );
  } finally {
    socket.close();
  }
}

async function handshakeError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  }
  throw new Error('the request succeeded');
}

let main: LanApp;

beforeAll(async () => {
  main = await startLanApp();
});

afterAll(async () => {
  await main?.test.close();
});

describe('TLS on the LAN listener', () => {
  it('serves a client that trusts only the generated CA, over TLS 1.3, with HSTS', async () => {
    const answer = await request(main.port, '/healthz', { ca: main.caPem });
    expect(answer.status).toBe(200);
    expect(answer.protocol).toBe('TLSv1.3');
    expect(answer.headers['strict-transport-security']).toBe('max-age=31536000');
  });

  it('also serves TLS 1.2, and nothing older', async () => {
    expect((await request(main.port, '/healthz', { ca: main.caPem, maxVersion: 'TLSv1.2' })).protocol).toBe('TLSv1.2');
    const code = await handshakeError(request(main.port, '/healthz', { ca: main.caPem, minVersion: 'TLSv1', maxVersion: 'TLSv1.1' }));
    expect(code).toMatch(/ERR_SSL|EPROTO|UNSUPPORTED_PROTOCOL|ECONNRESET/);
  });

  it('is refused by a client that does not trust the CA', async () => {
    expect(await handshakeError(request(main.port, '/healthz'))).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('is refused for a name the certificate does not carry', async () => {
    expect(await handshakeError(request(main.port, '/healthz', { ca: main.caPem, servername: 'other.local' }))).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('answers by loopback address too, which the certificate names', async () => {
    // No servername: the client checks 127.0.0.1 against the certificate's IP addresses.
    const answer = await new Promise<number>((resolve, reject) => {
      https.get({ host: '127.0.0.1', port: main.port, path: '/healthz', ca: [main.caPem], agent: false }, (response) => resolve(response.statusCode!)).on('error', reject);
    });
    expect(answer).toBe(200);
  });
});

describe('renewal while running', () => {
  /** The fingerprint of the certificate the LAN listener presents now. */
  function presented(): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port: main.port, servername: HOSTNAME, ca: [main.caPem] }, () => {
        resolve(socket.getPeerCertificate().fingerprint256);
        socket.end();
      });
      socket.on('error', reject);
    });
  }

  it('hands a newly issued certificate to the listener without a restart', async () => {
    const before = await presented();
    expect(await main.lan.refresh()).toBeNull();
    expect(await presented()).toBe(before);
    // A lost certificate file is issued again at the next check, as an expiring one or a new address would be.
    fs.rmSync(path.join(tlsDir(main.test.ctx.dataDir), 'server.crt'));
    expect(await main.lan.refresh()).toBe('missing');
    const after = await presented();
    expect(after).not.toBe(before);
    expect(main.lan.status().serverCertificate!.issuedBecause).toBe('missing');
  });
});

describe('the CA\'s name constraints (RFC 5280 §4.2.1.10)', () => {
  /** A TLS server on 127.0.0.1 with a certificate the Gatehouse CA signed for `hostname`, and a client that trusts that CA. */
  async function connectTo(hostname: string): Promise<string> {
    const store = new AuthorityStore({ pool: main.test.platform.pool, secrets: main.test.ctx.secrets, dir: tlsDir(main.test.ctx.dataDir), logger: main.test.ctx.logger });
    const { material } = await store.ensure(HOSTNAME);
    const forged = await issueServerCertificate(material, { hostname, addresses: [] });
    const server = tls.createServer({ key: forged.privateKeyPem, cert: forged.certificatePem }, (socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      return await new Promise<string>((resolve) => {
        const socket = tls.connect({ host: '127.0.0.1', port, servername: hostname, ca: [main.caPem] }, () => {
          socket.end();
          resolve('connected');
        });
        // OpenSSL's X509_V_ERR_PERMITTED_VIOLATION, which node passes on by its message (its code is UNSPECIFIED).
        socket.on('error', (error: Error) => resolve(error.message));
      });
    } finally {
      server.close();
    }
  }

  it('lets the CA vouch for its own host name', async () => {
    expect(await connectTo(HOSTNAME)).toBe('connected');
  });

  it('does not let the CA vouch for any other name, even if its key were stolen', async () => {
    expect(await connectTo('bank.example')).toBe('permitted subtree violation');
    expect(await connectTo('printer.local')).toBe('permitted subtree violation');
  });
});

describe('the CA certificate download', () => {
  it('serves the CA certificate at /lan/ca.crt, on both listeners, as a CA certificate file', async () => {
    const overLan = await request(main.port, '/lan/ca.crt', { ca: main.caPem });
    expect(overLan.status).toBe(200);
    expect(overLan.headers['content-type']).toBe('application/x-x509-ca-cert');
    expect(overLan.headers['content-disposition']).toBe(`attachment; filename="${HOSTNAME}-ca.crt"`);
    expect(overLan.body).toBe(main.caPem);
    expect(new X509Certificate(overLan.body).ca).toBe(true);
    const overLoopback = await fetch(`${loopbackUrl(main)}/lan/ca.crt`);
    expect(await overLoopback.text()).toBe(main.caPem);
  });

  it('never serves a private key', async () => {
    expect((await request(main.port, '/lan/ca.crt', { ca: main.caPem })).body).not.toContain('PRIVATE');
  });
});

describe('the admin surface on the LAN listener', () => {
  it.each(['/api/v1/users', '/api/v1/lan', '/api/v1/backups', '/admin', '/admin/users', '/api/docs'])('refuses %s with 403 admin_not_on_lan', async (path) => {
    const answer = await request(main.port, path, { ca: main.caPem });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'admin_not_on_lan' });
    expect(JSON.parse(answer.body).message).toContain('lan.allowAdmin');
  });

  it('refuses an API token there too, before looking at it', async () => {
    const token = await main.token(['users:read']);
    const answer = await request(main.port, '/api/v1/users', { ca: main.caPem, headers: { authorization: `Bearer ${token}` } });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'admin_not_on_lan' });
    // The same token on the loopback listener passes.
    const loopback = await fetch(`${loopbackUrl(main)}/api/v1/users`, { headers: { authorization: `Bearer ${token}` } });
    expect(loopback.status).toBe(200);
  });

  it('leaves the portal API, the API document and the identity provider to LAN devices', async () => {
    expect((await request(main.port, '/api/v1/me/apps', { ca: main.caPem })).status).toBe(401);
    expect((await request(main.port, '/api/v1/openapi.json', { ca: main.caPem })).status).toBe(200);
    const discovery = await request(main.port, '/.well-known/openid-configuration', { ca: main.caPem });
    expect(discovery.status).toBe(200);
    // The issuer is what LAN devices use, so their tokens' iss matches.
    expect(JSON.parse(discovery.body).issuer).toBe(`https://${HOSTNAME}:${main.port}`);
  });

  it('carries the admin\'s live updates over the LAN listener (a WebSocket through the same app)', async () => {
    // ws hands these on to tls.connect; its type leaves out servername.
    const options: WebSocket.ClientOptions & tls.ConnectionOptions = {
      ca: [main.caPem],
      servername: HOSTNAME,
      headers: { origin: `https://${HOSTNAME}:${main.port}`, cookie: `${sessionCookieName(main.test.ctx.publicUrl)}=${main.adminSession}` },
    };
    expect(await firstLiveMessage(`wss://127.0.0.1:${main.port}/api/v1/live`, options)).toMatchObject({ type: 'ready' });
  });

  it('answers the LAN status on the loopback listener', async () => {
    const token = await main.token(['settings:read']);
    const response = await fetch(`${loopbackUrl(main)}/api/v1/lan`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const status = (await response.json()) as LanStatusView;
    expect(status).toMatchObject({ enabled: true, hostname: HOSTNAME, listening: true, port: main.port, allowAdmin: false, url: `https://${HOSTNAME}:${main.port}`, mdns: { state: 'off' } });
    expect(status.certificateAuthority!.fingerprintSha256).toBe(new X509Certificate(main.caPem).fingerprint256);
    expect(status.certificateAuthority!.downloadPath).toBe('/lan/ca.crt');
    expect(status.serverCertificate!.dnsNames).toEqual([HOSTNAME, 'localhost']);
    expect(status.addressUrls).toHaveLength(status.addresses.length);
    for (const url of status.addressUrls) expect(url).toMatch(new RegExp(`^https://(\\d+\\.\\d+\\.\\d+\\.\\d+|\\[[0-9a-f:]+\\]):${main.port}$`));
  });
});

describe('the desktop window on the loopback listener, while the public URL is the LAN one', () => {
  const loopbackOrigin = () => loopbackUrl(main);
  const cookie = () => `${sessionCookieName(main.test.ctx.publicUrl)}=${main.adminSession}`;

  it('may change things from its own loopback origin (the CSRF check counts it as Gatehouse\'s)', async () => {
    const response = await fetch(`${loopbackOrigin()}/api/v1/tokens`, {
      method: 'POST',
      headers: { cookie: cookie(), origin: loopbackOrigin(), 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
      body: JSON.stringify({}),
    });
    // Past the guard: the empty body is what is refused now, not where the request came from.
    expect(response.status).toBe(400);
  });

  it('still refuses another site\'s origin', async () => {
    const response = await fetch(`${loopbackOrigin()}/api/v1/tokens`, {
      method: 'POST',
      headers: { cookie: cookie(), origin: 'http://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({}),
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: string }).error).toBe('cross_site_request');
  });

  it('opens live updates from its loopback origin', async () => {
    const url = `${loopbackOrigin().replace(/^http/, 'ws')}/api/v1/live`;
    expect(await firstLiveMessage(url, { headers: { origin: loopbackOrigin(), cookie: cookie() } })).toMatchObject({ type: 'ready' });
  });
});

describe('lan.allowAdmin', () => {
  it('lets the admin API answer on the LAN listener, behind its usual guard', async () => {
    const open = await startLanApp({ allowAdmin: true });
    try {
      expect((await request(open.port, '/api/v1/users', { ca: open.caPem })).status).toBe(401);
      const token = await open.token(['users:read']);
      expect((await request(open.port, '/api/v1/users', { ca: open.caPem, headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      await open.test.close();
    }
  });
});

describe('with LAN mode off (the default)', () => {
  it('has no CA to offer, reports itself off, and leaves the loopback listener as it was', async () => {
    const plain = await createTestApp();
    try {
      const download = await plain.app.inject({ url: '/lan/ca.crt' });
      expect(download.statusCode).toBe(404);
      expect(download.json()).toMatchObject({ error: 'lan_off' });
      const identity = plain.service<IdentityService>('identity');
      const admin = await identity.createUser({ username: 'ada', password: 'a long password 1', isAdmin: true });
      const { token, tokenSha256 } = newApiToken();
      await new ApiTokenRepo(plain.platform.pool).insert({ name: 'status', tokenSha256, scopes: ['settings:read'], createdBy: admin.id, expiresAt: new Date(Date.now() + 86_400_000) });
      const status = await plain.app.inject({ url: '/api/v1/lan', headers: { authorization: `Bearer ${token}` } });
      expect(status.json()).toMatchObject({ enabled: false, listening: false, url: null, certificateAuthority: null, serverCertificate: null, mdns: { state: 'off' } });
      expect(fs.existsSync(path.join(tlsDir(plain.ctx.dataDir)))).toBe(false);
      expect(lanServiceOf(plain.domains)).toBeNull();
    } finally {
      await plain.close();
    }
  });
});

describe('shutdown', () => {
  it('closes the LAN listener with the app', async () => {
    const closing = await startLanApp();
    expect((await request(closing.port, '/healthz', { ca: closing.caPem })).status).toBe(200);
    await closing.test.close();
    expect(await handshakeError(request(closing.port, '/healthz', { ca: closing.caPem }))).toBe('ECONNREFUSED');
  });
});
