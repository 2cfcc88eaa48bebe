// `gatehouse app add-oidc`: registers an application in the data dir's database while the server runs,
// prints what the application needs, and refuses bad arguments with exit 2 before touching anything.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/app.ts';
import { removeDataDir, runGatehouse, startServe, tempDataDir, type ServeProcess } from '../helpers/serve.ts';

describe('gatehouse app add-oidc', () => {
  let dataDir: string;
  let server: ServeProcess;

  beforeAll(async () => {
    dataDir = tempDataDir('gh-oidc-cli-');
    // A port in the config file, so the command knows the issuer the server has.
    const port = await freePort();
    fs.writeFileSync(path.join(dataDir, 'gatehouse.yaml'), `http:\n  port: ${port}\n`);
    server = await startServe(dataDir, { args: ['--port', String(port)] });
  });

  afterAll(async () => {
    await server?.stop();
    if (dataDir) removeDataDir(dataDir);
  });

  const addOidc = (...args: string[]) => runGatehouse(['app', 'add-oidc', ...args, '--data', dataDir]);

  it('--help explains every option and exits 0', async () => {
    const result = await runGatehouse(['app', 'add-oidc', '--help']);
    expect(result.code).toBe(0);
    for (const option of ['--redirect-uri', '--post-logout-redirect-uri', '--public', '--grant-type', '--allow-http', '--resource-server', '--json', '--data']) {
      expect(result.stdout).toContain(option);
    }
  });

  it('--json prints the client id, the secret and the issuer, and the secret works at the running server', async () => {
    const result = await addOidc('Metrics', '--grant-type', 'client_credentials', '--json');
    expect(result.code, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout) as { client_id: string; client_secret: string; issuer: string };
    expect(Object.keys(printed).sort()).toEqual(['client_id', 'client_secret', 'issuer']);
    expect(printed.issuer).toBe(server.ready.url);
    const response = await fetch(`${server.ready.url}/oidc/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${printed.client_id}:${printed.client_secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { access_token?: string }).access_token).toEqual(expect.any(String));
  });

  it('registers the redirect URIs it was given, repeated, and prints the secret once in words', async () => {
    const result = await addOidc('Grafana', '--redirect-uri', 'https://grafana.lan/login/generic_oauth', '--redirect-uri', 'http://127.0.0.1:3000/login/generic_oauth', '--post-logout-redirect-uri', 'https://grafana.lan/login');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/client_id: +grafana-[a-z0-9]{8}/);
    expect(result.stdout).toMatch(/client_secret: +[A-Za-z0-9_-]{43}/);
    expect(result.stdout).toContain(`${server.ready.url}/.well-known/openid-configuration`);
    const clientId = /client_id: +(\S+)/.exec(result.stdout)![1]!;
    // The exact URI is accepted by the authorization endpoint (an error about it would be a 400 page).
    const authorize = await fetch(`${server.ready.url}/oidc/auth?client_id=${clientId}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent('http://127.0.0.1:3000/login/generic_oauth')}`, { redirect: 'manual' });
    expect(authorize.status).toBe(303);
    expect(authorize.headers.get('location')).toMatch(/^\/interaction\//);
  });

  it('--public --json prints no secret', async () => {
    const result = await addOidc('Desktop tool', '--redirect-uri', 'http://127.0.0.1/callback', '--public', '--json');
    expect(result.code, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(printed).sort()).toEqual(['client_id', 'issuer']);
  });

  it('a name already taken exits 1 and says so', async () => {
    const result = await addOidc('grafana', '--redirect-uri', 'https://other.lan/cb');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('already exists');
  });

  describe('bad arguments exit 2 with a clear message', () => {
    const cases: Array<[string, string[], RegExp]> = [
      ['no name', ['--redirect-uri', 'https://a.lan/cb'], /missing NAME/],
      ['two names', ['A', 'B', '--redirect-uri', 'https://a.lan/cb'], /expected one NAME/],
      ['no redirect URI', ['App'], /missing --redirect-uri/],
      ['a javascript: redirect URI', ['App', '--redirect-uri', 'javascript:alert(1)'], /must start with https:\/\//],
      ['http on a LAN host', ['App', '--redirect-uri', 'http://app.lan/cb'], /--allow-http/],
      ['an unknown grant type', ['App', '--grant-type', 'password'], /unknown grant type "password"/],
      ['a public client with client credentials', ['App', '--public', '--grant-type', 'client_credentials'], /public application/],
      ['an unknown option', ['App', '--redirect', 'https://a.lan/cb'], /Unknown option/],
    ];
    for (const [what, args, message] of cases) {
      it(what, async () => {
        const result = await addOidc(...args);
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(message);
      });
    }
  });
});
