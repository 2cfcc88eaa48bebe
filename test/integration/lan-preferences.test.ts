// LAN settings saved in the control UI (PUT /api/v1/lan) through app.inject() on a real database: who may read and
// save them, validation next to the field, the settings.changed event, what the config decides; and on a real
// `gatehouse serve` started again on one data dir: saved settings turn LAN mode on at the next start, and a flag or
// a variable still wins over them.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, freePort, type TestApp } from '../helpers/app.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { AdminApi, expectGuarded } from '../helpers/admin-api.ts';
import { removeDataDir, startServe, tempDataDir, type ServeProcess } from '../helpers/serve.ts';
import type { IdentityService } from '../../server/src/identity/index.ts';
import { createIdentityService } from '../../server/src/identity/service.ts';
import { sessionCookieName } from '../../server/src/identity/session-cookie.ts';
import type { LanView } from '../../server/src/lan/schemas.ts';

let app: TestApp;
let api: AdminApi;

beforeAll(async () => {
  app = await createTestApp();
  api = await new AdminApi(app).setUp();
});

afterAll(async () => app?.close());

const lanView = () => api.ok<LanView>({ url: '/api/v1/lan' });
const save = (payload: object) => api.ok<LanView>({ method: 'PUT', url: '/api/v1/lan', payload });

describe('who may read and save the LAN settings', () => {
  it('refuses without a session, to a non-admin, and to a token without the scope, saving nothing', async () => {
    await expectGuarded(api, [
      { url: '/api/v1/lan', scope: 'settings:read' },
      { method: 'PUT', url: '/api/v1/lan', payload: { enabled: true }, scope: 'settings:write' },
    ]);
    expect((await lanView()).saved).toBeNull();
  });

  it('lets a token with settings:read read them, and refuses it a save without settings:write', async () => {
    const reader = await api.token(['settings:read']);
    expect((await api.call({ url: '/api/v1/lan', bearer: reader })).statusCode).toBe(200);
    const change = await api.call({ method: 'PUT', url: '/api/v1/lan', bearer: reader, payload: { enabled: true } });
    expect(change.statusCode).toBe(403);
    expect(change.json().error).toBe('insufficient_scope');
    const writer = await api.token(['settings:write']);
    expect((await api.call({ method: 'PUT', url: '/api/v1/lan', bearer: writer, payload: {} })).statusCode).toBe(200);
  });

  it('refuses an admin’s save from another site', async () => {
    const response = await api.asAdmin({ method: 'PUT', url: '/api/v1/lan', payload: { enabled: true }, headers: { origin: 'https://evil.example' } });
    expect(response.statusCode).toBe(403);
    expect((await lanView()).saved).toBeNull();
  });
});

describe('the LAN settings for the next start', () => {
  it('start with nothing saved, nothing set by the config, the defaults next, and no restart needed', async () => {
    expect(await lanView()).toMatchObject({
      enabled: false,
      saved: null,
      setByConfig: { enabled: false, hostname: false, port: false, allowAdmin: false },
      nextStart: { enabled: false, hostname: 'gatehouse.local', port: 9443, allowAdmin: false },
      restartNeeded: false,
    });
  });

  it('saves them, answers that a restart is needed, keeps LAN mode as it runs, and records settings.changed', async () => {
    const answer = await save({ enabled: true, hostname: 'id.home.arpa', port: 8443 });
    expect(answer).toMatchObject({
      enabled: false,
      listening: false,
      saved: { enabled: true, hostname: 'id.home.arpa', port: 8443 },
      nextStart: { enabled: true, hostname: 'id.home.arpa', port: 8443, allowAdmin: false },
      restartNeeded: true,
    });
    expect(await lanView()).toEqual(answer);
    const event = await api.lastEvent('settings.changed');
    expect(event).toMatchObject({ actor: 'ada', actor_user_id: api.admin.id, target_type: 'settings', target_id: 'lan' });
    expect(event?.data).toEqual({ section: 'lan', before: null, after: { enabled: true, hostname: 'id.home.arpa', port: 8443 } });
  });

  it('keeps what was saved for a field left out, and records nothing when nothing changes', async () => {
    const answer = await save({ allowAdmin: true });
    expect(answer.saved).toEqual({ enabled: true, hostname: 'id.home.arpa', port: 8443, allowAdmin: true });
    expect((await api.lastEvent('settings.changed'))?.data).toEqual({
      section: 'lan',
      before: { enabled: true, hostname: 'id.home.arpa', port: 8443 },
      after: { enabled: true, hostname: 'id.home.arpa', port: 8443, allowAdmin: true },
    });
    const events = await api.eventCount();
    await save({ port: 8443, enabled: true });
    expect(await api.eventCount()).toBe(events);
  });

  it('needs no restart when LAN mode stays off, whatever else is saved', async () => {
    const answer = await save({ enabled: false });
    expect(answer).toMatchObject({ nextStart: { enabled: false, hostname: 'id.home.arpa' }, restartNeeded: false });
    await save({ enabled: true });
  });

  it.each([
    [{ hostname: 'Gatehouse.local' }, 'hostname'],
    [{ hostname: '192.168.1.5' }, 'hostname'],
    [{ hostname: 'gatehouse' }, 'hostname'],
    [{ hostname: 'under_score.local' }, 'hostname'],
    [{ port: 0 }, 'port'],
    [{ port: 65536 }, 'port'],
    [{ port: 'soon' }, 'port'],
    [{ enabled: 'perhaps' }, 'enabled'],
    [{ bindAddress: '192.168.1.5' }, 'bindAddress'],
  ])('refuses %j next to its field, saving nothing', async (payload, field) => {
    const before = (await lanView()).saved;
    const response = await api.asAdmin({ method: 'PUT', url: '/api/v1/lan', payload });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_request', field });
    expect((await lanView()).saved).toEqual(before);
  });

  it('refuses the HTTP listener’s own port, next to the port field, saving nothing', async () => {
    const before = (await lanView()).saved;
    const response = await api.asAdmin({ method: 'PUT', url: '/api/v1/lan', payload: { port: app.ctx.httpPort } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'lan_port_taken', field: 'port' });
    expect((await lanView()).saved).toEqual(before);
  });

  it('says which fields the config sets, which win over the saved ones', async () => {
    const configured = await createTestApp({ db: app.db, config: { lan: { hostname: 'configured.local', allowAdmin: false } } });
    try {
      const other = new AdminApi(configured);
      const view = (await other.call({ url: '/api/v1/lan', session: await other.sessionOf(api.admin.id) })).json() as LanView;
      expect(view).toMatchObject({
        saved: { enabled: true, hostname: 'id.home.arpa', port: 8443, allowAdmin: true },
        setByConfig: { enabled: false, hostname: true, port: false, allowAdmin: true },
        nextStart: { enabled: true, hostname: 'configured.local', port: 8443, allowAdmin: false },
      });
    } finally {
      await configured.close();
    }
  });

  it('is documented in the API reference with its scope', async () => {
    const document = (await app.app.inject({ url: '/api/v1/openapi.json' })).json() as { paths: Record<string, Record<string, { description?: string }>> };
    expect(document.paths['/api/v1/lan']?.put?.description).toContain('settings:write');
    expect(document.paths['/api/v1/lan']?.get?.description).toContain('settings:read');
  });
});

describe('saved LAN settings at the next start of gatehouse serve', () => {
  it('turn LAN mode on, and give way to a flag and to the environment', { timeout: 240_000 }, async () => {
    const db = await createTestDatabase();
    const dataDir = tempDataDir('gh-lanpref-');
    const hostname = `gh-${randomBytes(4).toString('hex')}.local`;
    const [savedPort, flagPort] = [await freePort(), await freePort()];
    const args = ['--database-url', db.url];
    // mDNS off: this is about which settings apply; lan-mdns.test.ts covers the advertisement.
    const env = { GATEHOUSE_SECRETS_MASTER_KEY: randomBytes(32).toString('base64'), GATEHOUSE_LAN_MDNS: 'false' };
    let session = '';
    const lanOf = async (serve: ServeProcess) => {
      const response = await fetch(`${serve.ready.url}/api/v1/lan`, { headers: { cookie: `${sessionCookieName(serve.ready.publicUrl)}=${session}` } });
      expect(response.status).toBe(200);
      return (await response.json()) as LanView;
    };
    try {
      const first = await startServe(dataDir, { args, env });
      try {
        expect(first.ready.lanUrl).toBeUndefined();
        const identity = createIdentityService({ pool: db.pool, publicUrl: first.ready.url });
        const admin = await identity.createUser({ username: 'root', password: 'a long password 1', isAdmin: true });
        session = (await identity.createSession(admin.id, { authMethods: ['pwd'] })).token;
        const saved = await fetch(`${first.ready.url}/api/v1/lan`, {
          method: 'PUT',
          headers: { cookie: `gatehouse_session=${session}`, origin: first.ready.url, 'content-type': 'application/json' },
          body: JSON.stringify({ enabled: true, hostname, port: savedPort }),
        });
        expect(saved.status).toBe(200);
        expect(await saved.json()).toMatchObject({ enabled: false, restartNeeded: true });
      } finally {
        expect((await first.stop()).code).toBe(0);
      }

      const second = await startServe(dataDir, { args, env });
      try {
        expect(second.ready.lanUrl).toBe(`https://${hostname}:${savedPort}`);
        // The LAN URL is the issuer; the desktop window keeps the loopback listener.
        expect(second.ready.publicUrl).toBe(`https://${hostname}:${savedPort}`);
        expect(second.ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(await lanOf(second)).toMatchObject({ enabled: true, listening: true, hostname, port: savedPort, setByConfig: { enabled: false, port: false }, restartNeeded: false });
      } finally {
        expect((await second.stop()).code).toBe(0);
      }

      const third = await startServe(dataDir, { args: [...args, '--lan-port', String(flagPort)], env });
      try {
        expect(third.ready.lanUrl).toBe(`https://${hostname}:${flagPort}`);
        expect(await lanOf(third)).toMatchObject({ port: flagPort, setByConfig: { port: true }, nextStart: { port: flagPort }, saved: { port: savedPort }, restartNeeded: false });
      } finally {
        expect((await third.stop()).code).toBe(0);
      }

      const fourth = await startServe(dataDir, { args, env: { ...env, GATEHOUSE_LAN_ENABLED: 'false' } });
      try {
        expect(fourth.ready.lanUrl).toBeUndefined();
        expect(fourth.ready.publicUrl).toBe(fourth.ready.url);
        expect(await lanOf(fourth)).toMatchObject({ enabled: false, setByConfig: { enabled: true }, saved: { enabled: true }, nextStart: { enabled: false }, restartNeeded: false });
      } finally {
        expect((await fourth.stop()).code).toBe(0);
      }
    } finally {
      removeDataDir(dataDir);
      await db.drop();
    }
  });
});
