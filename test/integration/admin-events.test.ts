// The events API (/api/v1/events) through app.inject() on a real database: who may read the log, every filter and
// their combinations checked against the same filter written plainly over every row, keyset pages with no event
// missing or repeated (events that share an instant included), cursors that were tampered with, and the one list of
// event types against the types the code writes.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { AdminApi, allPages, expectGuarded } from '../helpers/admin-api.ts';
import { REPO } from '../helpers/serve.ts';
import { EVENT_TYPES } from '../../server/src/admin/events/types.ts';
import type { EventPage, EventTypes, EventView } from '../../server/src/admin/events/schemas.ts';

let app: TestApp;
let api: AdminApi;
/** Every event in the database, newest first, as the API shows them. */
let all: EventView[];

const alice = randomUUID();
const carol = randomUUID();
const APPS = ['grafana', 'gitea', 'nextcloud'];
const BASE = Date.parse('2026-03-01T00:00:00Z');

beforeAll(async () => {
  app = await createTestApp();
  api = await new AdminApi(app).setUp();
  await app.db.pool.query("INSERT INTO users (id, username) VALUES ($1, 'alice'), ($2, 'carol')", [alice, carol]);
  // 300 events over ten days: sign-ins (to an application, or to none), changes by an admin or by alice, changes to
  // applications, and some with no target. Every fifth shares its instant with the one before.
  const rows: unknown[][] = [];
  for (let i = 0; i < 300; i++) {
    const at = new Date(BASE + (i - (i % 5 === 4 ? 1 : 0)) * 47 * 60_000);
    // Which user, application and variant vary with the round (k), independently of the kind of event (i % 6).
    const k = Math.floor(i / 6);
    const user = k % 2 === 0 ? alice : carol;
    const username = user === alice ? 'alice' : 'carol';
    const app = APPS[k % APPS.length]!;
    const variant = Math.floor(k / 6) % 2 === 0;
    switch (i % 6) {
      case 0:
      case 1:
        rows.push([at, 'user.login_succeeded', user, username, 'user', user, username, JSON.stringify({ clientId: app, method: 'password' })]);
        break;
      case 2:
        rows.push([at, 'user.login_failed', null, 'anonymous', 'user', user, username, JSON.stringify(variant ? {} : { clientId: app })]);
        break;
      case 3:
        rows.push([at, 'user.updated', variant ? alice : api.admin.id, variant ? 'alice' : 'ada', 'user', carol, 'carol', JSON.stringify({ before: {}, after: {} })]);
        break;
      case 4:
        rows.push([at, 'application.updated', variant ? alice : api.admin.id, 'someone', 'application', app, app, '{}']);
        break;
      default:
        rows.push([at, variant ? 'backup.created' : 'settings.changed', null, 'scheduler', null, null, null, '{}']);
    }
  }
  for (const row of rows) {
    await app.db.pool.query(
      "INSERT INTO events (occurred_at, type, actor_user_id, actor, target_type, target_id, target_label, source_address, data) VALUES ($1, $2, $3, $4, $5, $6, $7, '192.0.2.7', $8)",
      row,
    );
  }
  all = (await allPages<EventView>(api, '/api/v1/events', 100)).items;
});

afterAll(async () => app?.close());

/** The filter, written plainly over every event. */
function reference(filter: { type?: string; userId?: string; applicationId?: string; from?: string; to?: string }): string[] {
  return all
    .filter((event) => {
      if (filter.type && !(filter.type.endsWith('.') ? event.type.startsWith(filter.type) : event.type === filter.type)) return false;
      if (filter.userId && event.actorUserId !== filter.userId && !(event.target?.type === 'user' && event.target.id === filter.userId)) return false;
      if (filter.applicationId && !(event.target?.type === 'application' && event.target.id === filter.applicationId) && event.data.clientId !== filter.applicationId) return false;
      if (filter.from && Date.parse(event.occurredAt) < Date.parse(filter.from)) return false;
      if (filter.to && Date.parse(event.occurredAt) >= Date.parse(filter.to)) return false;
      return true;
    })
    .map((event) => event.id);
}

describe('who may read the event log', () => {
  it('refuses both routes without a session, to a non-admin, and to a token that lacks events:read, has expired, was revoked or whose admin was demoted', async () => {
    await expectGuarded(api, [
      { url: '/api/v1/events', scope: 'events:read' },
      { url: '/api/v1/events/types', scope: 'events:read' },
    ]);
  });

  it('lets a token with events:read in', async () => {
    const bearer = await api.token(['events:read']);
    const response = await api.call({ url: '/api/v1/events?limit=1', bearer });
    expect(response.statusCode).toBe(200);
    expect((response.json() as EventPage).items).toHaveLength(1);
  });
});

describe('pages of the event log', () => {
  it('lists every event once, newest first, across pages of any size, events that share an instant included', async () => {
    const { rows } = await app.db.pool.query<{ id: string }>('SELECT e.id::text AS id FROM events e ORDER BY e.occurred_at DESC, e.id DESC');
    expect(all.map((event) => event.id)).toEqual(rows.map((row) => row.id));
    for (const limit of [1, 7, 50]) {
      const { items, pages } = await allPages<EventView>(api, '/api/v1/events', limit);
      expect(items.map((event) => event.id)).toEqual(rows.map((row) => row.id));
      expect(pages).toBe(Math.ceil(rows.length / limit));
    }
  });

  it('shows an event as it was recorded: who, what, the target with its label, the address and the data', async () => {
    const login = all.find((event) => event.type === 'user.login_succeeded' && event.actorUserId === alice)!;
    expect(login).toMatchObject({
      type: 'user.login_succeeded',
      actor: 'alice',
      actorUserId: alice,
      target: { type: 'user', id: alice, label: 'alice' },
      sourceAddress: '192.0.2.7',
      requestId: null,
      data: { clientId: expect.any(String), method: 'password' },
    });
    expect(all.find((event) => event.type === 'backup.created')?.target).toBeNull();
  });
});

describe('filters', () => {
  const from = new Date(BASE + 2 * 86_400_000).toISOString();
  const to = new Date(BASE + 5 * 86_400_000).toISOString();
  const cases: Array<Record<string, string>> = [
    { type: 'user.login_failed' },
    { type: 'user.' },
    { type: 'backup.' },
    { type: 'user.deleted' },
    { userId: alice },
    { userId: carol },
    { applicationId: 'grafana' },
    { applicationId: 'gitea' },
    { from },
    { to },
    { from, to },
    { type: 'user.login_succeeded', userId: alice },
    { type: 'user.', userId: carol },
    { type: 'user.login_failed', applicationId: 'nextcloud' },
    { type: 'application.', applicationId: 'grafana' },
    { userId: alice, applicationId: 'grafana' },
    { userId: carol, applicationId: 'gitea', type: 'user.login_failed' },
    { userId: alice, applicationId: 'nextcloud', type: 'application.', from, to },
    { type: 'user.', from, to },
  ];

  for (const filter of cases) {
    it(`finds exactly the events of ${JSON.stringify(filter)}, in order, across pages`, async () => {
      const query = new URLSearchParams(filter).toString();
      const { items } = await allPages<EventView>(api, `/api/v1/events?${query}`, 9);
      expect(items.map((event) => event.id)).toEqual(reference(filter));
    });
  }

  it('finds something for most filters (the cases are not all empty)', () => {
    expect(cases.filter((filter) => reference(filter).length === 0)).toEqual([{ type: 'user.deleted' }]);
  });

  it('names the field of a filter that is not valid', async () => {
    const bad: Array<[string, string]> = [
      ['type=User.Created', 'type'],
      ['type=user created', 'type'],
      ['userId=alice', 'userId'],
      ['applicationId=Not An App', 'applicationId'],
      ['from=yesterday', 'from'],
      [`from=${to}&to=${from}`, 'to'],
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['colour=red', 'colour'],
    ];
    for (const [query, field] of bad) {
      const response = await api.asAdmin({ url: `/api/v1/events?${query}` });
      expect(response.statusCode, query).toBe(400);
      expect(response.json().field, query).toBe(field);
    }
  });
});

describe('cursors', () => {
  it('refuses a cursor that was changed, made up, or is not one, naming the field', async () => {
    const first = await api.ok<EventPage>({ url: '/api/v1/events?limit=3' });
    const cursor = first.nextCursor!;
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as string[];
    const forged = [
      Buffer.from(JSON.stringify([decoded[0], "1 OR 1=1"])).toString('base64url'),
      // Well-formed but impossible: an id past bigint, a month 13 (refused here, not by PostgreSQL as a 500).
      Buffer.from(JSON.stringify([decoded[0], '9999999999999999999'])).toString('base64url'),
      Buffer.from(JSON.stringify(['2026-13-45T99:00:00.000000Z', decoded[1]])).toString('base64url'),
      Buffer.from(JSON.stringify(['yesterday', decoded[1]])).toString('base64url'),
      Buffer.from(JSON.stringify([decoded[0]])).toString('base64url'),
      Buffer.from('not json').toString('base64url'),
      cursor.slice(0, -4),
    ];
    for (const bad of forged) {
      const response = await api.asAdmin({ url: `/api/v1/events?cursor=${bad}` });
      expect(response.statusCode, bad).toBe(400);
      expect(response.json(), bad).toMatchObject({ error: 'invalid_cursor', field: 'cursor' });
    }
    const nonsense = await api.asAdmin({ url: '/api/v1/events?cursor=%24%24%24' });
    expect(nonsense.statusCode).toBe(400);
    expect(nonsense.json().field).toBe('cursor');
  });

  it('continues from a cursor after new events were recorded, without repeating or skipping older ones', async () => {
    const first = await api.ok<EventPage>({ url: '/api/v1/events?limit=10' });
    await api.ok({ method: 'PUT', url: '/api/v1/settings/branding', payload: { instanceName: 'Newer Event' } });
    const second = await api.ok<EventPage>({ url: `/api/v1/events?limit=10&cursor=${first.nextCursor}` });
    expect(second.items.map((event) => event.id)).toEqual(all.map((event) => event.id).slice(10, 20));
  });
});

describe('the event types', () => {
  it('lists the types Gatehouse writes', async () => {
    const { types } = await api.ok<EventTypes>({ url: '/api/v1/events/types' });
    expect(types).toEqual([...EVENT_TYPES]);
    for (const type of ['user.login_succeeded', 'user.login_failed', 'session.revoked', 'settings.changed', 'backup.created', 'config.imported', 'consent.revoked']) {
      expect(types).toContain(type);
    }
  });

  it('holds every type the code writes (a new writer must add its type to server/src/admin/events/types.ts)', () => {
    const written = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (entry.name.endsWith('.ts') && !file.endsWith(path.join('events', 'types.ts'))) {
          for (const match of fs.readFileSync(file, 'utf8').matchAll(/type: '([a-z_]+\.[a-z_]+)'/g)) written.add(match[1]!);
          for (const match of fs.readFileSync(file, 'utf8').matchAll(/recordEvent\('([a-z_]+\.[a-z_]+)'/g)) written.add(match[1]!);
        }
      }
    };
    walk(path.join(REPO, 'server', 'src'));
    expect(written.size).toBeGreaterThan(10);
    expect([...written].filter((type) => !(EVENT_TYPES as readonly string[]).includes(type))).toEqual([]);
  });
});
