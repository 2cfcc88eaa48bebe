// The backup API (/api/v1/backups) through app.inject() on a real database: who may call it, what it refuses, and a
// whole round — back up, list, download, verify, restore, upload — checked against the files on disk.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import type { IdentityService } from '../../server/src/identity/index.ts';
import type { BackupRun } from '../../server/src/backup/service.ts';

const PASSPHRASE = 'correct horse battery staple';
const COOKIE = 'gatehouse_session';
/** Generous: a run takes well under a second here, but a loaded CI machine may be slow. */
const RUN_TIMEOUT = { timeout: 60_000, interval: 100 };

let app: TestApp;
let identity: IdentityService;
let adminToken: string;
let userToken: string;
let backupsDir: string;

interface Call {
  method?: 'GET' | 'POST' | 'PUT';
  url: string;
  /** The session token; none for an anonymous call. */
  token?: string;
  payload?: object | Buffer | string;
  headers?: Record<string, string>;
}

/** A request as the control UI sends it: the session cookie, and Origin on every state-changing request. */
function call({ method = 'GET', url, token, payload, headers = {} }: Call) {
  return app.app.inject({
    method,
    url,
    headers: {
      ...(token ? { cookie: `${COOKIE}=${token}` } : {}),
      ...(method === 'GET' ? {} : { origin: app.url }),
      ...(Buffer.isBuffer(payload) ? { 'content-type': 'application/octet-stream' } : {}),
      ...headers,
    },
    ...(payload === undefined ? {} : { payload }),
  });
}

const asAdmin = (request: Call) => call({ token: adminToken, ...request });

async function runOf(id: string): Promise<BackupRun | string> {
  const response = await asAdmin({ url: `/api/v1/backups/runs/${id}` });
  // A restore replaces backup_runs with the backup's copy; its own run is written again when it ends.
  return response.statusCode === 200 ? (response.json() as BackupRun) : `HTTP ${response.statusCode}`;
}

/** Polls the run until it has ended; returns it. */
async function finished(run: BackupRun): Promise<BackupRun> {
  await expect.poll(async () => ((await runOf(run.id)) as BackupRun).status, RUN_TIMEOUT).toMatch(/^(succeeded|failed)$/);
  return (await runOf(run.id)) as BackupRun;
}

function filesOnDisk(): string[] {
  return fs.existsSync(backupsDir) ? fs.readdirSync(backupsDir).sort() : [];
}

beforeAll(async () => {
  app = await createTestApp();
  identity = app.service<IdentityService>('identity');
  backupsDir = path.join(app.ctx.dataDir, 'backups');
  const ada = await identity.createUser({ username: 'ada', email: 'ada@example.test', password: 'a long password 1', isAdmin: true });
  const bob = await identity.createUser({ username: 'bob', email: 'bob@example.test', password: 'a long password 2' });
  adminToken = (await identity.createSession(ada.id, { ip: '127.0.0.1', authMethods: ['pwd'] })).token;
  userToken = (await identity.createSession(bob.id, { ip: '127.0.0.1', authMethods: ['pwd'] })).token;
});

afterAll(async () => {
  await app?.close();
});

describe('who may use the backup API', () => {
  const everyRoute: Call[] = [
    { url: '/api/v1/backups' },
    { url: `/api/v1/backups/runs/${randomUUID()}` },
    { method: 'POST', url: '/api/v1/backups', payload: { passphrase: PASSPHRASE } },
    { method: 'POST', url: '/api/v1/backups/verify', payload: { file: 'gatehouse-20250101-000000.ghbk', passphrase: PASSPHRASE } },
    { method: 'POST', url: '/api/v1/backups/restore', payload: { file: 'gatehouse-20250101-000000.ghbk', passphrase: PASSPHRASE } },
    { method: 'PUT', url: '/api/v1/backups/schedule', payload: { keepDaily: 3 } },
    { url: '/api/v1/backups/files/gatehouse-20250101-000000.ghbk' },
    { method: 'POST', url: '/api/v1/backups/upload', payload: Buffer.from('not a backup') },
  ];

  it('the session cookie of an http Gatehouse is gatehouse_session', () => {
    expect(identity.sessionCookie.name).toBe(COOKIE);
  });

  it('answers 401 not_signed_in on every route without a session', async () => {
    for (const request of everyRoute) {
      const response = await call(request);
      expect(response.statusCode, `${request.method ?? 'GET'} ${request.url}`).toBe(401);
      expect(response.json()).toMatchObject({ error: 'not_signed_in', message: expect.any(String), requestId: expect.any(String) });
    }
  });

  it('refuses an anonymous caller before reading its body: 401, never a validation message about the body', async () => {
    for (const request of [
      { method: 'POST' as const, url: '/api/v1/backups', payload: {} },
      { url: '/api/v1/backups/runs/not-a-uuid' },
      { method: 'PUT' as const, url: '/api/v1/backups/schedule', payload: { unknownField: 1 } },
    ]) {
      const response = await call(request);
      expect(response.statusCode, request.url).toBe(401);
      expect(response.json().error).toBe('not_signed_in');
    }
  });

  it('answers 401 for a session token that does not exist', async () => {
    const response = await call({ url: '/api/v1/backups', token: randomBytes(32).toString('base64url') });
    expect(response.statusCode).toBe(401);
  });

  it('answers 403 not_admin on every route to a signed-in user who is not an admin, with nothing of the backups in the body', async () => {
    for (const request of everyRoute) {
      const response = await call({ ...request, token: userToken });
      expect(response.statusCode, `${request.method ?? 'GET'} ${request.url}`).toBe(403);
      const body = response.json() as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(['error', 'message', 'requestId']);
      expect(body.error).toBe('not_admin');
      expect(response.body).not.toContain(backupsDir);
    }
    // Nothing was started or written on their behalf.
    expect(filesOnDisk()).toEqual([]);
    expect((await asAdmin({ url: '/api/v1/backups' })).json()).toMatchObject({ runs: [], files: [] });
  });

  it('refuses an admin’s state-changing request from another site: a wrong Origin, Sec-Fetch-Site cross-site, or neither header', async () => {
    const crossSite: Array<Record<string, string>> = [
      { origin: 'https://evil.example' },
      { origin: '', 'sec-fetch-site': 'cross-site' },
      { origin: app.url, 'sec-fetch-site': 'cross-site' },
      { origin: '', 'sec-fetch-site': 'same-site' },
      { origin: '' },
    ];
    for (const headers of crossSite) {
      const sent = Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== ''));
      const backUp = await app.app.inject({ method: 'POST', url: '/api/v1/backups', headers: { cookie: `${COOKIE}=${adminToken}`, ...sent }, payload: { passphrase: PASSPHRASE } });
      expect(backUp.statusCode, JSON.stringify(headers)).toBe(403);
      expect(backUp.json()).toMatchObject({ error: 'cross_site_request' });
      const schedule = await app.app.inject({ method: 'PUT', url: '/api/v1/backups/schedule', headers: { cookie: `${COOKIE}=${adminToken}`, ...sent }, payload: { keepDaily: 99 } });
      expect(schedule.statusCode, JSON.stringify(headers)).toBe(403);
    }
    const overview = (await asAdmin({ url: '/api/v1/backups' })).json() as { runs: unknown[]; schedule: { keepDaily: number } };
    expect(overview.runs).toEqual([]);
    expect(overview.schedule.keepDaily).toBe(7);
  });

  it('accepts a request from its own pages: Sec-Fetch-Site same-origin without an Origin header', async () => {
    const response = await app.app.inject({ method: 'PUT', url: '/api/v1/backups/schedule', headers: { cookie: `${COOKIE}=${adminToken}`, 'sec-fetch-site': 'same-origin' }, payload: { keepDaily: 7 } });
    expect(response.statusCode).toBe(200);
  });
});

describe('refusals of bad input', () => {
  it('a backup without a passphrase is 400, naming the passphrase', async () => {
    for (const payload of [{}, { passphrase: '' }]) {
      const response = await asAdmin({ method: 'POST', url: '/api/v1/backups', payload });
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toMatch(/passphrase/);
    }
  });

  it('a backup with a short passphrase is 400 backup_passphrase_weak, and starts nothing', async () => {
    const response = await asAdmin({ method: 'POST', url: '/api/v1/backups', payload: { passphrase: 'eleven char' } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'backup_passphrase_weak', message: expect.stringContaining('at least 12 characters') });
    expect((await asAdmin({ url: '/api/v1/backups' })).json().runs).toEqual([]);
  });

  it('verify and restore without a passphrase or a file are 400', async () => {
    for (const url of ['/api/v1/backups/verify', '/api/v1/backups/restore']) {
      expect((await asAdmin({ method: 'POST', url, payload: { file: 'gatehouse-20250101-000000.ghbk' } })).statusCode, url).toBe(400);
      expect((await asAdmin({ method: 'POST', url, payload: { passphrase: PASSPHRASE } })).statusCode, url).toBe(400);
    }
  });

  it('a schedule with a bad cron expression, time zone, count, folder or no passphrase is 400 naming the field, and changes nothing', async () => {
    const cases: Array<[object, RegExp]> = [
      [{ cron: 'every day at noon' }, /cron/],
      [{ cron: '61 * * * *' }, /cron field "minute"/],
      [{ timeZone: 'Mars/Olympus_Mons' }, /time zone/],
      [{ keepDaily: 5000 }, /keepDaily/],
      [{ keepDaily: 0, keepWeekly: 0 }, /keepDaily or keepWeekly/],
      [{ destination: 'relative/folder' }, /destination/],
      [{ passphrase: 'too short' }, /passphrase/],
      [{ enabled: true }, /passphrase/],
    ];
    for (const [payload, message] of cases) {
      const response = await asAdmin({ method: 'PUT', url: '/api/v1/backups/schedule', payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().message, JSON.stringify(payload)).toMatch(message);
    }
    expect((await asAdmin({ url: '/api/v1/backups' })).json().schedule).toMatchObject({ enabled: false, cron: '30 2 * * *', keepDaily: 7, keepWeekly: 4, destination: '', hasPassphrase: false });
  });

  it('an unknown run is 404, and a run id that is not a UUID is 400', async () => {
    expect((await asAdmin({ url: `/api/v1/backups/runs/${randomUUID()}` })).json()).toMatchObject({ error: 'backup_run_not_found' });
    expect((await asAdmin({ url: '/api/v1/backups/runs/not-a-uuid' })).statusCode).toBe(400);
  });

  it('never serves, verifies or restores a file outside the backups folder, whatever the name', async () => {
    const outside = path.join(app.ctx.dataDir, 'outside.ghbk');
    const secret = `SECRET-${randomBytes(8).toString('hex')}`;
    fs.writeFileSync(outside, secret);
    try {
      for (const url of ['/api/v1/backups/files/..%2Foutside.ghbk', '/api/v1/backups/files/%2E%2E%2Foutside.ghbk', `/api/v1/backups/files/${encodeURIComponent(outside)}`, '/api/v1/backups/files/../outside.ghbk', '/api/v1/backups/files/outside.ghbk']) {
        const response = await asAdmin({ url });
        expect([400, 404], url).toContain(response.statusCode);
        expect(response.body, url).not.toContain(secret);
      }
      for (const file of ['../outside.ghbk', outside, 'backups/../../outside.ghbk', '..']) {
        for (const url of ['/api/v1/backups/verify', '/api/v1/backups/restore']) {
          const response = await asAdmin({ method: 'POST', url, payload: { file, passphrase: PASSPHRASE } });
          expect([400, 404], `${url} ${file}`).toContain(response.statusCode);
        }
      }
      expect((await asAdmin({ url: '/api/v1/backups' })).json().runs).toEqual([]);
    } finally {
      fs.rmSync(outside);
    }
  });
});

describe('a whole round: back up, list, download, verify, restore, upload', () => {
  let backup: BackupRun;
  let name: string;

  it('backs up in the background: 202 with the run, then the run goes to succeeded', async () => {
    const started = await asAdmin({ method: 'POST', url: '/api/v1/backups', payload: { passphrase: PASSPHRASE } });
    expect(started.statusCode).toBe(202);
    expect(started.json()).toMatchObject({ kind: 'backup', trigger: 'manual', status: 'running', startedBy: 'ada', error: null });
    backup = await finished(started.json() as BackupRun);
    expect(backup).toMatchObject({ status: 'succeeded', phase: 'done', error: null, finishedAt: expect.any(String) });
    expect(backup.rowsDone).toBeGreaterThan(0);
    expect(backup.bytesDone).toBeGreaterThan(0);
    name = path.basename(backup.file!);
    expect(path.dirname(backup.file!)).toBe(backupsDir);
    expect(name).toMatch(/^gatehouse-\d{8}-\d{6}\.ghbk$/);
  });

  it('lists the file with its size, date and app version, without its path on the server', async () => {
    const overview = (await asAdmin({ url: '/api/v1/backups' })).json() as { files: Array<Record<string, unknown>>; runs: BackupRun[]; backupsDir: string };
    expect(overview.backupsDir).toBe(backupsDir);
    expect(overview.files).toEqual([{ name, size: fs.statSync(backup.file!).size, createdAt: expect.any(String), appVersion: expect.any(String), problem: null }]);
    expect(overview.runs.map((run) => run.id)).toEqual([backup.id]);
  });

  it('downloads the same bytes as the file on disk, as an attachment', async () => {
    const response = await asAdmin({ url: `/api/v1/backups/files/${name}` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/octet-stream');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="${name}"`);
    expect(response.rawPayload.equals(fs.readFileSync(backup.file!))).toBe(true);
  });

  it('does not let a non-admin download it', async () => {
    const response = await call({ url: `/api/v1/backups/files/${name}`, token: userToken });
    expect(response.statusCode).toBe(403);
    expect(response.headers['content-type']).toContain('application/json');
  });

  it('verifies it with the passphrase', async () => {
    const started = await asAdmin({ method: 'POST', url: '/api/v1/backups/verify', payload: { file: name, passphrase: PASSPHRASE } });
    expect(started.statusCode).toBe(202);
    expect(started.json()).toMatchObject({ kind: 'verify', status: 'running' });
    expect(await finished(started.json() as BackupRun)).toMatchObject({ status: 'succeeded', error: null });
  });

  it('a verify with the wrong passphrase starts, then fails saying the passphrase does not open it', async () => {
    const started = await asAdmin({ method: 'POST', url: '/api/v1/backups/verify', payload: { file: name, passphrase: 'not the passphrase it was made with' } });
    expect(started.statusCode).toBe(202);
    const run = await finished(started.json() as BackupRun);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/passphrase does not open this backup/);
  });

  it('restores it: data added since is gone, and the admin’s session (in the backup) still works', async () => {
    await identity.createUser({ username: 'carol', email: 'carol@example.test' });
    const started = await asAdmin({ method: 'POST', url: '/api/v1/backups/restore', payload: { file: name, passphrase: PASSPHRASE } });
    expect(started.statusCode).toBe(202);
    expect(started.json()).toMatchObject({ kind: 'restore', status: 'running' });
    // While the tables are swapped, the run may be missing for a moment (404): poll until it reads as ended.
    await expect.poll(async () => ((await runOf((started.json() as BackupRun).id)) as BackupRun).status ?? 'missing', RUN_TIMEOUT).toBe('succeeded');
    expect(await identity.findUserByLogin('carol')).toBeNull();
    expect(await identity.findUserByLogin('ada')).not.toBeNull();
    const overview = await asAdmin({ url: '/api/v1/backups' });
    expect(overview.statusCode).toBe(200);
    expect(overview.json().runs.map((run: BackupRun) => run.kind)).toContain('restore');
  });

  it('refuses an upload that is not a backup with 400 backup_not_an_archive, and leaves no file behind', async () => {
    const before = filesOnDisk();
    const response = await asAdmin({ method: 'POST', url: '/api/v1/backups/upload', payload: Buffer.from('just some text, not a Gatehouse backup\n'.repeat(100)) });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'backup_not_an_archive' });
    expect(filesOnDisk()).toEqual(before);
    expect((await asAdmin({ url: '/api/v1/backups' })).json().files.map((file: { name: string }) => file.name)).toEqual([name]);
  });

  it('refuses an upload that says it is larger than the limit before reading it, and leaves nothing behind', async () => {
    const before = filesOnDisk();
    const response = await asAdmin({ method: 'POST', url: '/api/v1/backups/upload', payload: Buffer.from('x'), headers: { 'content-length': String(21 * 1024 ** 3) } });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ error: 'backup_too_large', message: expect.stringMatching(/gatehouse backup restore FILE/) });
    expect(filesOnDisk()).toEqual(before);
  });

  it('takes an upload of a real backup, lists it, and serves the same bytes back', async () => {
    const bytes = fs.readFileSync(backup.file!);
    const response = await asAdmin({ method: 'POST', url: '/api/v1/backups/upload', payload: bytes });
    expect(response.statusCode).toBe(201);
    const uploaded = response.json() as { name: string; size: number; createdAt: string; appVersion: string };
    expect(uploaded).toEqual({ name: expect.stringMatching(/^uploaded-\d{8}-\d{6}-[0-9a-f]{12}\.ghbk$/), size: bytes.length, createdAt: expect.any(String), appVersion: expect.any(String) });
    const listed = (await asAdmin({ url: '/api/v1/backups' })).json().files as Array<{ name: string; size: number; problem: string | null }>;
    expect(listed.find((file) => file.name === uploaded.name)).toMatchObject({ size: bytes.length, problem: null });
    expect(filesOnDisk()).toEqual([name, uploaded.name].sort());
    expect((await asAdmin({ url: `/api/v1/backups/files/${uploaded.name}` })).rawPayload.equals(bytes)).toBe(true);
  });
});

describe('the schedule', () => {
  it('saves settings and a passphrase it never returns, and says when it runs next', async () => {
    const schedulePassphrase = 'a passphrase for the schedule';
    const response = await asAdmin({ method: 'PUT', url: '/api/v1/backups/schedule', payload: { enabled: true, cron: '0 3 * * 1', timeZone: 'UTC', keepDaily: 3, keepWeekly: 2, passphrase: schedulePassphrase } });
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain(schedulePassphrase);
    const schedule = response.json();
    expect(schedule).toMatchObject({ enabled: true, cron: '0 3 * * 1', timeZone: 'UTC', keepDaily: 3, keepWeekly: 2, destination: '', hasPassphrase: true, description: expect.any(String), lastRun: null });
    expect(schedule).not.toHaveProperty('passphrase');
    expect(schedule).not.toHaveProperty('passphraseSealed');
    const next = new Date(schedule.nextRunAt);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect([next.getUTCDay(), next.getUTCHours(), next.getUTCMinutes()]).toEqual([1, 3, 0]);
    // Read back, and a later change without a passphrase keeps the stored one.
    expect((await asAdmin({ url: '/api/v1/backups' })).json().schedule).toEqual(schedule);
    const disabled = await asAdmin({ method: 'PUT', url: '/api/v1/backups/schedule', payload: { enabled: false } });
    expect(disabled.json()).toMatchObject({ enabled: false, hasPassphrase: true, nextRunAt: null });
  });

  it('takes an absolute destination folder it can write to, and lists backups there too', async () => {
    const destination = path.join(app.ctx.dataDir, 'elsewhere');
    const response = await asAdmin({ method: 'PUT', url: '/api/v1/backups/schedule', payload: { destination } });
    expect(response.statusCode).toBe(200);
    expect(response.json().destination).toBe(destination);
    expect(fs.statSync(destination).isDirectory()).toBe(true);
    fs.copyFileSync(path.join(backupsDir, filesOnDisk()[0]!), path.join(destination, 'gatehouse-20200101-000000.ghbk'));
    const files = (await asAdmin({ url: '/api/v1/backups' })).json().files as Array<{ name: string }>;
    expect(files.map((file) => file.name)).toContain('gatehouse-20200101-000000.ghbk');
    expect((await asAdmin({ url: '/api/v1/backups/files/gatehouse-20200101-000000.ghbk' })).statusCode).toBe(200);
  });
});
