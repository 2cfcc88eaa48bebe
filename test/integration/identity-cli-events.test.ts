// The identity verbs (gatehouse user …, group …) run in this process against a running app's database (the data
// dir's config points at it, as with --database-url): each change records the same event as the admin API would,
// with the actor "cli", and the running instance hears of it on the bus (so open control UIs update at once).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { AdminApi } from '../helpers/admin-api.ts';
import { identityVerbs } from '../../server/src/identity/cli.ts';
import { EVENTS_TOPIC, type EventNotice } from '../../server/src/admin/audit.ts';

let app: TestApp;
let api: AdminApi;
let dataDir: string;
const heard: EventNotice[] = [];

beforeAll(async () => {
  app = await createTestApp();
  api = await new AdminApi(app).setUp();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-cli-events-'));
  fs.mkdirSync(path.join(dataDir, 'secrets'), { mode: 0o700 });
  fs.writeFileSync(path.join(dataDir, 'gatehouse.yaml'), `database:\n  url: "${app.db.url}"\n`);
  app.platform.bus.subscribe<EventNotice>(EVENTS_TOPIC, (notice) => heard.push(notice));
  await app.platform.bus.whenSubscribed();
});

afterAll(async () => {
  await app?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  return () => vi.restoreAllMocks();
});

async function run(verb: string, positionals: string[], options: Record<string, string | boolean> = {}, stdin?: string): Promise<void> {
  const realStdin = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  if (stdin !== undefined) Object.defineProperty(process, 'stdin', { value: Readable.from([stdin]), configurable: true });
  try {
    await identityVerbs[verb]!.run({ data: dataDir, ...options }, positionals);
  } finally {
    Object.defineProperty(process, 'stdin', realStdin);
  }
}

describe('identity verbs', () => {
  it('record user.created, user.password_changed and user.updated with the actor "cli", heard by the running instance', async () => {
    await run('user add', ['cleo'], { email: 'cleo@example.org', 'password-stdin': true }, 'cleo’s long password\n');
    const cleo = (await api.identity.findUserByUsername('cleo'))!;
    expect(await api.lastEvent('user.created')).toMatchObject({ actor: 'cli', actor_user_id: null, target_id: cleo.id, target_label: 'cleo', data: { after: { username: 'cleo', hasPassword: true } } });
    await expect.poll(() => heard.some((notice) => notice.type === 'user.created' && notice.targetId === cleo.id), { timeout: 10_000 }).toBe(true);

    const session = await api.sessionOf(cleo.id);
    await run('user set-password', ['cleo'], { 'password-stdin': true }, 'a different long password\n');
    expect(await api.lastEvent('user.password_changed')).toMatchObject({ actor: 'cli', target_id: cleo.id, data: { sessionsRevoked: 1 } });
    expect(await api.identity.authenticate(session)).toBeNull();

    await run('user disable', ['cleo']);
    expect(await api.lastEvent('user.updated')).toMatchObject({ actor: 'cli', target_id: cleo.id, data: { before: { isActive: true }, after: { isActive: false } } });
    await run('user enable', ['cleo']);
    expect((await api.lastEvent('user.updated'))!.data).toEqual({ before: { isActive: false }, after: { isActive: true } });
    expect(JSON.stringify(await api.events('user.created', 'user.password_changed', 'user.updated'))).not.toMatch(/long password|argon2/);
  });

  it('refuse to disable the last active admin', async () => {
    await expect(run('user disable', ['ada'])).rejects.toMatchObject({ code: 'last_admin' });
    expect((await api.identity.findUserById(api.admin.id))?.isActive).toBe(true);
  });

  it('record group.created, group.member_added and group.member_removed, and nothing for a change that changes nothing', async () => {
    await run('group add', ['ops'], { description: 'Operations' });
    const bob = (await api.identity.findUserByUsername('bob'))!;
    expect(await api.lastEvent('group.created')).toMatchObject({ actor: 'cli', target_type: 'group', target_label: 'ops', data: { after: { name: 'ops', description: 'Operations' } } });
    await run('group add-member', ['ops', 'bob']);
    const before = await api.eventCount();
    await run('group add-member', ['OPS', 'BOB']);
    expect(await api.eventCount()).toBe(before);
    expect(await api.lastEvent('group.member_added')).toMatchObject({ actor: 'cli', target_label: 'ops', data: { userId: bob.id, username: 'bob' } });
    await run('group remove-member', ['ops', 'bob']);
    expect(await api.lastEvent('group.member_removed')).toMatchObject({ actor: 'cli', data: { username: 'bob' } });
  });
});
