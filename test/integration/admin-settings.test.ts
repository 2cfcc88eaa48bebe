// The settings API (/api/v1/settings) and the public branding routes through app.inject() on a real database: who may
// call them, validation next to the field, each section's change and its settings.changed event, the logo (checked by
// its bytes, stored as a file, served inert, nothing left behind on a refusal), a second instance on the same database
// seeing each change, and the saved public URL taking effect at the next start of a real `gatehouse serve`.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, freePort, type TestApp } from '../helpers/app.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { AdminApi, expectGuarded, type EventRow } from '../helpers/admin-api.ts';
import { removeDataDir, startServe, tempDataDir } from '../helpers/serve.ts';
import { EVENTS_TOPIC, type EventNotice } from '../../server/src/admin/audit.ts';
import type { IdentityService } from '../../server/src/identity/index.ts';
import { createIdentityService } from '../../server/src/identity/service.ts';
import { LOGO_MAX_BYTES, type Branding, type InstanceSettings, type SettingsView } from '../../server/src/admin/settings/schemas.ts';

let app: TestApp;
let api: AdminApi;

beforeAll(async () => {
  app = await createTestApp();
  api = await new AdminApi(app).setUp();
});

afterAll(async () => app?.close());

/** A real 2×1 PNG: signature, IHDR, IDAT (zlib), IEND, each chunk with its CRC. */
function png(rgba = [0x2a, 0x6f, 0xdb, 0xff]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(2, 0);
  header.writeUInt32BE(1, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const scanline = Buffer.from([0, ...rgba, ...rgba]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(scanline)), chunk('IEND', Buffer.alloc(0))]);
}

/** A RIFF/WEBP container holding a lossless (VP8L) chunk. */
function webp(): Buffer {
  const vp8l = Buffer.from([0x2f, 0x01, 0x00, 0x00, 0x00, 0x00]);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(vp8l.length);
  const body = Buffer.concat([Buffer.from('WEBP'), Buffer.from('VP8L'), size, vp8l]);
  const riffSize = Buffer.alloc(4);
  riffSize.writeUInt32LE(body.length);
  return Buffer.concat([Buffer.from('RIFF'), riffSize, body]);
}

/** The newest event of a type (by id as a number: the helper's ORDER BY sorts the id as text). */
async function lastEvent(type: string): Promise<EventRow | undefined> {
  const { rows } = await app.platform.pool.query<EventRow>(
    'SELECT e.id::text AS id, type, actor, actor_user_id, target_type, target_id, target_label, host(source_address) AS source_address, data FROM events e WHERE type = $1 ORDER BY e.id DESC LIMIT 1',
    [type],
  );
  return rows[0];
}

function mediaFiles(): string[] {
  const folder = path.join(app.ctx.dataDir, 'media', 'branding');
  return fs.existsSync(folder) ? fs.readdirSync(folder).sort() : [];
}

function uploadLogo(bytes: Buffer, contentType: string) {
  return api.asAdmin({ method: 'PUT', url: '/api/v1/settings/branding/logo', payload: bytes, headers: { 'content-type': contentType } });
}

async function settings(): Promise<SettingsView> {
  return api.ok<SettingsView>({ url: '/api/v1/settings' });
}

describe('who may use the settings API', () => {
  it('refuses every route without a session, to a non-admin, and to a token that lacks the scope, has expired, was revoked or whose admin was demoted', async () => {
    await expectGuarded(api, [
      { url: '/api/v1/settings', scope: 'settings:read' },
      { method: 'PUT', url: '/api/v1/settings/sessions', payload: { absoluteLifetimeHours: 1, idleLifetimeMinutes: 5 }, scope: 'settings:write' },
      { method: 'PUT', url: '/api/v1/settings/password-policy', payload: { minLength: 20, disallowUsername: false }, scope: 'settings:write' },
      { method: 'PUT', url: '/api/v1/settings/branding', payload: { instanceName: 'Pwned' }, scope: 'settings:write' },
      { method: 'PUT', url: '/api/v1/settings/branding/logo', payload: png(), headers: { 'content-type': 'image/png' }, scope: 'settings:write' },
      { method: 'DELETE', url: '/api/v1/settings/branding/logo', scope: 'settings:write' },
      { method: 'PUT', url: '/api/v1/settings/instance', payload: { publicUrl: 'https://evil.example' }, scope: 'settings:write' },
    ]);
    const view = await settings();
    expect(view.branding.instanceName).not.toBe('Pwned');
    expect(view.instance.savedPublicUrl).toBeNull();
    expect(mediaFiles()).toEqual([]);
  });

  it('lets a token with settings:read read them, and refuses it a change without settings:write', async () => {
    const reader = await api.token(['settings:read']);
    expect((await api.call({ url: '/api/v1/settings', bearer: reader })).statusCode).toBe(200);
    const change = await api.call({ method: 'PUT', url: '/api/v1/settings/branding', bearer: reader, payload: { instanceName: 'Nope' } });
    expect(change.statusCode).toBe(403);
    expect(change.json().error).toBe('insufficient_scope');
  });

  it('refuses an admin’s change from another site', async () => {
    const response = await api.asAdmin({ method: 'PUT', url: '/api/v1/settings/branding', payload: { instanceName: 'Forged' }, headers: { origin: 'https://evil.example' } });
    expect(response.statusCode).toBe(403);
    expect((await settings()).branding.instanceName).not.toBe('Forged');
  });
});

describe('the API reference', () => {
  it('documents every settings route with its scope', async () => {
    const document = (await app.app.inject({ url: '/api/v1/openapi.json' })).json() as { paths: Record<string, Record<string, { description?: string }>> };
    const routes: Array<[string, string, string]> = [
      ['/api/v1/settings', 'get', 'settings:read'],
      ['/api/v1/settings/sessions', 'put', 'settings:write'],
      ['/api/v1/settings/password-policy', 'put', 'settings:write'],
      ['/api/v1/settings/branding', 'put', 'settings:write'],
      ['/api/v1/settings/branding/logo', 'put', 'settings:write'],
      ['/api/v1/settings/branding/logo', 'delete', 'settings:write'],
      ['/api/v1/settings/instance', 'put', 'settings:write'],
    ];
    for (const [url, method, scope] of routes) expect(document.paths[url]?.[method]?.description, `${method} ${url}`).toContain(scope);
  });
});

describe('the settings as they start', () => {
  it('shows the default lifetimes, policy and name, and the running address with nothing saved', async () => {
    expect(await settings()).toEqual({
      sessions: { absoluteLifetimeHours: 168, idleLifetimeMinutes: 1440 },
      passwordPolicy: { minLength: 8, disallowUsername: true },
      branding: { instanceName: 'Gatehouse', logoUrl: null },
      instance: { publicUrl: app.url, savedPublicUrl: null, setByConfig: false, restartNeeded: false },
    });
  });
});

describe('session lifetimes and the password policy', () => {
  it('saves new session lifetimes, answers them, and records the change with before and after', async () => {
    const bearer = await api.token(['settings:write']);
    const response = await api.call({ method: 'PUT', url: '/api/v1/settings/sessions', bearer, payload: { absoluteLifetimeHours: 12, idleLifetimeMinutes: 60 } });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ absoluteLifetimeHours: 12, idleLifetimeMinutes: 60 });
    expect((await settings()).sessions).toEqual({ absoluteLifetimeHours: 12, idleLifetimeMinutes: 60 });
    expect(await lastEvent('settings.changed')).toMatchObject({
      actor: 'token:test settings:write',
      target_type: 'settings',
      target_id: 'sessions',
      data: { section: 'sessions', before: { absoluteLifetimeHours: 168, idleLifetimeMinutes: 1440 }, after: { absoluteLifetimeHours: 12, idleLifetimeMinutes: 60 } },
    });
  });

  it('gives new sessions the new lifetimes', async () => {
    const created = await api.identity.createSession(api.user.id, { authMethods: ['pwd'] });
    const lifetimeMs = created.session.expiresAt.getTime() - created.session.createdAt.getTime();
    expect(Math.round(lifetimeMs / 3_600_000)).toBe(12);
  });

  it('refuses an idle lifetime longer than the absolute one, next to idleLifetimeMinutes, and keeps the old values', async () => {
    const events = await api.eventCount();
    const response = await api.asAdmin({ method: 'PUT', url: '/api/v1/settings/sessions', payload: { absoluteLifetimeHours: 1, idleLifetimeMinutes: 61 } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ field: 'idleLifetimeMinutes' });
    expect((await settings()).sessions).toEqual({ absoluteLifetimeHours: 12, idleLifetimeMinutes: 60 });
    expect(await api.eventCount()).toBe(events);
  });

  it('names the field of a value out of range, missing, or unknown', async () => {
    const cases: Array<[object, string]> = [
      [{ absoluteLifetimeHours: 0, idleLifetimeMinutes: 60 }, 'absoluteLifetimeHours'],
      [{ absoluteLifetimeHours: 12, idleLifetimeMinutes: 4 }, 'idleLifetimeMinutes'],
      [{ absoluteLifetimeHours: 12 }, 'idleLifetimeMinutes'],
      [{ absoluteLifetimeHours: 12, idleLifetimeMinutes: 60, forever: true }, 'forever'],
      [{ absoluteLifetimeHours: 1.5, idleLifetimeMinutes: 60 }, 'absoluteLifetimeHours'],
    ];
    for (const [payload, field] of cases) {
      const response = await api.asAdmin({ method: 'PUT', url: '/api/v1/settings/sessions', payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().field, JSON.stringify(payload)).toBe(field);
    }
  });

  it('saves a password policy that the next password must meet', async () => {
    const saved = await api.ok<object>({ method: 'PUT', url: '/api/v1/settings/password-policy', payload: { minLength: 14, disallowUsername: true } });
    expect(saved).toEqual({ minLength: 14, disallowUsername: true });
    await expect(api.identity.setPassword(api.user.id, 'thirteen char')).rejects.toMatchObject({ code: 'password_too_short' });
    await expect(api.identity.setPassword(api.user.id, 'fourteen chars')).resolves.toBeUndefined();
    expect((await lastEvent('settings.changed'))?.data).toEqual({ section: 'passwordPolicy', before: { minLength: 8, disallowUsername: true }, after: { minLength: 14, disallowUsername: true } });
    const tooShort = await api.asAdmin({ method: 'PUT', url: '/api/v1/settings/password-policy', payload: { minLength: 6, disallowUsername: true } });
    expect(tooShort.statusCode).toBe(400);
    expect(tooShort.json().field).toBe('minLength');
    await api.ok({ method: 'PUT', url: '/api/v1/settings/password-policy', payload: { minLength: 8, disallowUsername: true } });
  });

  it('records nothing when a section is saved unchanged', async () => {
    const events = await api.eventCount();
    await api.ok({ method: 'PUT', url: '/api/v1/settings/password-policy', payload: { minLength: 8, disallowUsername: true } });
    expect(await api.eventCount()).toBe(events);
  });
});

describe('the instance name', () => {
  it('renames the instance (trimmed), shows it to anyone on the sign-in pages, and records it', async () => {
    const branding = await api.ok<Branding>({ method: 'PUT', url: '/api/v1/settings/branding', payload: { instanceName: '  Acme Identity  ' } });
    expect(branding).toEqual({ instanceName: 'Acme Identity', logoUrl: null });
    const open = await app.app.inject({ url: '/api/flow/branding' });
    expect(open.statusCode).toBe(200);
    expect(open.json()).toEqual({ instanceName: 'Acme Identity', logoUrl: null });
    expect((await lastEvent('settings.changed'))?.data).toEqual({
      section: 'branding',
      before: { instanceName: 'Gatehouse', logo: null },
      after: { instanceName: 'Acme Identity', logo: null },
    });
  });

  it('refuses an empty, blank or too long name next to instanceName', async () => {
    for (const instanceName of ['', '   ', 'x'.repeat(61)]) {
      const response = await api.asAdmin({ method: 'PUT', url: '/api/v1/settings/branding', payload: { instanceName } });
      expect(response.statusCode, JSON.stringify(instanceName)).toBe(400);
      expect(response.json().field).toBe('instanceName');
    }
    expect((await settings()).branding.instanceName).toBe('Acme Identity');
  });
});

describe('the logo', () => {
  it('stores a PNG as a file in the media folder and serves the same bytes, inert and cached by content', async () => {
    const image = png();
    const response = await uploadLogo(image, 'image/png');
    expect(response.statusCode, response.body).toBe(200);
    const branding = response.json() as Branding;
    expect(branding.logoUrl).toMatch(/^\/branding\/logo\?v=[0-9a-f]{16}$/);
    expect(mediaFiles()).toEqual([expect.stringMatching(/^logo-[0-9a-f]{16}\.png$/)]);
    expect(fs.readFileSync(path.join(app.ctx.dataDir, 'media', 'branding', mediaFiles()[0]!))).toEqual(image);

    const served = await app.app.inject({ url: branding.logoUrl! });
    expect(served.statusCode).toBe(200);
    expect(served.rawPayload).toEqual(image);
    expect(served.headers).toMatchObject({
      'content-type': 'image/png',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'",
      'cache-control': expect.stringContaining('immutable'),
    });
    const bare = await app.app.inject({ url: '/branding/logo' });
    expect(bare.headers['cache-control']).toBe('no-cache');
    const again = await app.app.inject({ url: '/branding/logo', headers: { 'if-none-match': String(bare.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect((await app.app.inject({ url: '/api/flow/branding' })).json()).toEqual({ instanceName: 'Acme Identity', logoUrl: branding.logoUrl });

    const event = await lastEvent('settings.changed');
    expect(event?.data).toMatchObject({ section: 'branding', before: { logo: null }, after: { logo: { contentType: 'image/png', bytes: image.length } } });
  });

  it('replaces the logo with a WebP or a JPEG, removing the previous file', async () => {
    expect((await uploadLogo(webp(), 'image/webp')).statusCode).toBe(200);
    expect(mediaFiles()).toEqual([expect.stringMatching(/\.webp$/)]);
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), randomBytes(64), Buffer.from([0xff, 0xd9])]);
    const response = await uploadLogo(jpeg, 'image/jpeg');
    expect(response.statusCode, response.body).toBe(200);
    expect(mediaFiles()).toEqual([expect.stringMatching(/\.jpg$/)]);
    const served = await app.app.inject({ url: (response.json() as Branding).logoUrl! });
    expect(served.headers['content-type']).toBe('image/jpeg');
    expect(served.rawPayload).toEqual(jpeg);
    expect((await uploadLogo(png(), 'image/png')).statusCode).toBe(200);
  });

  it('refuses SVG, a PNG type on HTML, a PNG signature on HTML, a file too large and an empty one, naming the logo, and leaves nothing behind', async () => {
    const before = await settings();
    const files = mediaFiles();
    const events = await api.eventCount();
    const html = Buffer.from('<!doctype html><script>alert(document.cookie)</script>');
    const pngSignature = png().subarray(0, 8);
    const tooLarge = Buffer.concat([png(), Buffer.alloc(LOGO_MAX_BYTES)]);
    const cases: Array<[Buffer, string, number, string]> = [
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), 'image/svg+xml', 415, 'logo_type_not_allowed'],
      [html, 'text/html', 415, 'logo_type_not_allowed'],
      [html, 'image/png', 400, 'logo_not_an_image'],
      [Buffer.concat([pngSignature, html]), 'image/png', 400, 'logo_not_an_image'],
      [Buffer.concat([png(), html]), 'image/png', 400, 'logo_not_an_image'],
      [png(), 'image/jpeg', 400, 'logo_not_an_image'],
      [tooLarge, 'image/png', 413, 'logo_too_large'],
      [Buffer.alloc(0), 'image/png', 400, 'logo_empty'],
    ];
    for (const [bytes, type, status, code] of cases) {
      const response = await uploadLogo(bytes, type);
      expect(response.statusCode, `${type} ${code}`).toBe(status);
      expect(response.json(), `${type} ${code}`).toMatchObject({ error: code, field: 'logo' });
    }
    expect(mediaFiles()).toEqual(files);
    expect(await settings()).toEqual(before);
    expect(await api.eventCount()).toBe(events);
  });

  it('removes the logo: the file goes, the image answers 404, the sign-in pages show the name alone', async () => {
    const branding = await api.ok<Branding>({ method: 'DELETE', url: '/api/v1/settings/branding/logo' });
    expect(branding).toEqual({ instanceName: 'Acme Identity', logoUrl: null });
    expect(mediaFiles()).toEqual([]);
    const served = await app.app.inject({ url: '/branding/logo' });
    expect(served.statusCode).toBe(404);
    expect(served.json().error).toBe('logo_not_found');
    expect((await lastEvent('settings.changed'))?.data).toMatchObject({ section: 'branding', after: { logo: null } });
  });
});

describe('the public URL', () => {
  it('saves it for the next start and says a restart is needed, keeping the running address', async () => {
    const answer = await api.ok<InstanceSettings>({ method: 'PUT', url: '/api/v1/settings/instance', payload: { publicUrl: 'https://id.example.test/' } });
    expect(answer).toEqual({ publicUrl: app.url, savedPublicUrl: 'https://id.example.test', setByConfig: false, restartNeeded: true });
    expect((await settings()).instance).toEqual(answer);
    expect((await lastEvent('settings.changed'))?.data).toEqual({ section: 'instance', before: { publicUrl: null }, after: { publicUrl: 'https://id.example.test' } });
  });

  it('refuses what is not an http(s) address, next to publicUrl', async () => {
    for (const publicUrl of ['ftp://id.example.test', 'id.example.test', 'https://id.example.test/?x=1', 'http://a b', 'https://user:secret@id.example.test']) {
      const response = await api.asAdmin({ method: 'PUT', url: '/api/v1/settings/instance', payload: { publicUrl } });
      expect(response.statusCode, publicUrl).toBe(400);
      expect(response.json().field, publicUrl).toBe('publicUrl');
    }
    expect((await settings()).instance.savedPublicUrl).toBe('https://id.example.test');
  });

  it('says the config wins when the config file sets the address', async () => {
    const configured = await createTestApp({ db: app.db, config: { http: { publicUrl: 'https://configured.example.test' } } });
    try {
      const other = new AdminApi(configured);
      const session = await other.sessionOf(api.admin.id);
      const response = await configured.app.inject({ url: '/api/v1/settings', headers: { cookie: `${configured.service<IdentityService>('identity').sessionCookie.name}=${session}` } });
      expect((response.json() as SettingsView).instance).toEqual({ publicUrl: 'https://configured.example.test', savedPublicUrl: 'https://id.example.test', setByConfig: true, restartNeeded: false });
    } finally {
      await configured.close();
    }
  });
});

describe('another instance on the same database', () => {
  it('sees each change at once, and hears of it on the bus', async () => {
    const second = await createTestApp({ db: app.db });
    try {
      const heard: EventNotice[] = [];
      second.platform.bus.subscribe<EventNotice>(EVENTS_TOPIC, (notice) => heard.push(notice));
      await second.platform.bus.whenSubscribed();
      const secondApi = new AdminApi(second);
      const session = await secondApi.sessionOf(api.admin.id);
      const secondView = async () => (await secondApi.call({ url: '/api/v1/settings', session })).json() as SettingsView;
      await secondView();

      await api.ok({ method: 'PUT', url: '/api/v1/settings/sessions', payload: { absoluteLifetimeHours: 48, idleLifetimeMinutes: 120 } });
      await api.ok({ method: 'PUT', url: '/api/v1/settings/branding', payload: { instanceName: 'Seen Everywhere' } });
      await expect.poll(async () => (await secondView()).sessions, { timeout: 5_000 }).toEqual({ absoluteLifetimeHours: 48, idleLifetimeMinutes: 120 });
      expect((await secondView()).branding.instanceName).toBe('Seen Everywhere');
      expect((await second.app.inject({ url: '/api/flow/branding' })).json().instanceName).toBe('Seen Everywhere');
      await expect.poll(() => heard.filter((notice) => notice.type === 'settings.changed').length, { timeout: 5_000 }).toBe(2);
    } finally {
      await second.close();
    }
  });
});

describe('the saved public URL at the next start of gatehouse serve', () => {
  it('applies when neither the config nor the environment sets one, and gives way to the environment', { timeout: 180_000 }, async () => {
    const db = await createTestDatabase();
    const dataDir = tempDataDir();
    const port = await freePort();
    const args = ['--database-url', db.url, '--port', String(port)];
    const env = { GATEHOUSE_SECRETS_MASTER_KEY: randomBytes(32).toString('base64') };
    try {
      const first = await startServe(dataDir, { args, env });
      let session: string;
      try {
        expect(first.ready.url).toBe(`http://127.0.0.1:${port}`);
        const identity = createIdentityService({ pool: db.pool, publicUrl: first.ready.url });
        const admin = await identity.createUser({ username: 'root', password: 'a long password 1', isAdmin: true });
        session = (await identity.createSession(admin.id, { authMethods: ['pwd'] })).token;
        const saved = await fetch(`${first.ready.url}/api/v1/settings/instance`, {
          method: 'PUT',
          headers: { cookie: `gatehouse_session=${session}`, origin: first.ready.url, 'content-type': 'application/json' },
          body: JSON.stringify({ publicUrl: `http://localhost:${port}` }),
        });
        expect(saved.status).toBe(200);
        expect(await saved.json()).toMatchObject({ publicUrl: first.ready.url, savedPublicUrl: `http://localhost:${port}`, restartNeeded: true });
      } finally {
        await first.stop();
      }

      const second = await startServe(dataDir, { args, env });
      try {
        // The ready line's url stays the listener's own address (the desktop window's); the public URL is the saved one.
        expect(second.ready.url).toBe(`http://127.0.0.1:${port}`);
        expect((second.ready as { publicUrl?: string }).publicUrl).toBe(`http://localhost:${port}`);
        const discovery = (await (await fetch(`http://127.0.0.1:${port}/.well-known/openid-configuration`)).json()) as { issuer: string };
        expect(discovery.issuer).toBe(`http://localhost:${port}`);
        const view = (await (await fetch(`http://127.0.0.1:${port}/api/v1/settings`, { headers: { cookie: `gatehouse_session=${session}` } })).json()) as SettingsView;
        expect(view.instance).toEqual({ publicUrl: `http://localhost:${port}`, savedPublicUrl: `http://localhost:${port}`, setByConfig: false, restartNeeded: false });
      } finally {
        await second.stop();
      }

      const third = await startServe(dataDir, { args, env: { ...env, GATEHOUSE_HTTP_PUBLIC_URL: `http://127.0.0.1:${port}` } });
      try {
        expect(third.ready.url).toBe(`http://127.0.0.1:${port}`);
      } finally {
        await third.stop();
      }
    } finally {
      removeDataDir(dataDir);
      await db.drop();
    }
  });
});
