// Calling the admin API through app.inject() as its callers do: the control UI (a session cookie, and Origin on every
// state-changing request) or a script (an API token); the people and tokens the authorization tests need; and the
// events a change wrote.
import { expect } from 'vitest';
import type { TestApp } from './app.ts';
import type { IdentityService, UserRecord } from '../../server/src/identity/index.ts';
import { ApiTokenRepo } from '../../server/src/admin/tokens/repo.ts';
import { newApiToken } from '../../server/src/admin/tokens/token-format.ts';
import type { AdminScope } from '../../server/src/admin/scopes.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Call {
  method?: Method;
  url: string;
  /** A session token (cookie); none for an anonymous call. */
  session?: string;
  /** An API token (Authorization: Bearer). */
  bearer?: string;
  payload?: object;
  headers?: Record<string, string>;
}

export interface EventRow {
  id: string;
  type: string;
  actor: string | null;
  actor_user_id: string | null;
  target_type: string | null;
  target_id: string | null;
  target_label: string | null;
  source_address: string | null;
  data: Record<string, unknown>;
}

export const PASSWORD = 'a long password 1';

export class AdminApi {
  readonly identity: IdentityService;
  /** An active admin, signed in (adminSession). */
  admin!: UserRecord;
  adminSession!: string;
  /** A signed-in user who is not an admin. */
  user!: UserRecord;
  userSession!: string;

  constructor(readonly app: TestApp) {
    this.identity = app.service<IdentityService>('identity');
  }

  /** Makes the admin "ada" and the user "bob", each with a session. */
  async setUp(): Promise<this> {
    this.admin = await this.identity.createUser({ username: 'ada', email: 'ada@example.test', password: PASSWORD, isAdmin: true });
    this.user = await this.identity.createUser({ username: 'bob', email: 'bob@example.test', password: PASSWORD });
    this.adminSession = await this.sessionOf(this.admin.id);
    this.userSession = await this.sessionOf(this.user.id);
    return this;
  }

  async sessionOf(userId: string, ip = '192.0.2.1'): Promise<string> {
    return (await this.identity.createSession(userId, { ip, userAgent: 'test', authMethods: ['pwd'] })).token;
  }

  call({ method = 'GET', url, session, bearer, payload, headers = {} }: Call) {
    return this.app.app.inject({
      method,
      url,
      headers: {
        ...(session ? { cookie: `${this.identity.sessionCookie.name}=${session}` } : {}),
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...(method === 'GET' || bearer ? {} : { origin: this.app.url }),
        ...headers,
      },
      ...(payload === undefined ? {} : { payload }),
    });
  }

  asAdmin(request: Call) {
    return this.call({ session: this.adminSession, ...request });
  }

  /** The admin's call, expected to succeed with this status; its JSON. */
  async ok<T = Record<string, unknown>>(request: Call, status = 200): Promise<T> {
    const response = await this.asAdmin(request);
    expect(response.statusCode, `${request.method ?? 'GET'} ${request.url}: ${response.body}`).toBe(status);
    return (response.body === '' ? undefined : response.json()) as T;
  }

  /** An API token made by `createdBy` (the admin by default), named "test <scopes>" unless named; expired or revoked on request. */
  async token(scopes: AdminScope[], options: { name?: string; createdBy?: string; expired?: boolean; revoked?: boolean } = {}): Promise<string> {
    const repo = new ApiTokenRepo(this.app.platform.pool);
    const { token, tokenSha256 } = newApiToken();
    const row = await repo.insert({ name: options.name ?? `test ${scopes.join(' ')}`.slice(0, 100), tokenSha256, scopes, createdBy: options.createdBy ?? this.admin.id, expiresAt: new Date(Date.now() + 3_600_000) });
    if (options.expired) await this.app.platform.pool.query("UPDATE api_tokens SET created_at = now() - interval '2 days', expires_at = now() - interval '1 day' WHERE id = $1", [row.id]);
    if (options.revoked) await repo.revoke(row.id);
    return token;
  }

  /** Events of these types, oldest first. */
  async events(...types: string[]): Promise<EventRow[]> {
    const { rows } = await this.app.platform.pool.query<EventRow>(
      'SELECT id::text, type, actor, actor_user_id, target_type, target_id, target_label, host(source_address) AS source_address, data FROM events WHERE type = ANY($1) ORDER BY events.id',
      [types],
    );
    return rows;
  }

  /** The newest event of this type. */
  async lastEvent(type: string): Promise<EventRow | undefined> {
    return (await this.events(type)).at(-1);
  }

  async eventCount(): Promise<number> {
    const { rows } = await this.app.platform.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
    return rows[0]!.n;
  }
}

/** A refusal: the status, the code, and nothing but the error shape (no data of the resource). */
export function expectRefusal(response: { statusCode: number; json(): unknown }, status: number, code: string, label: string): void {
  expect(response.statusCode, label).toBe(status);
  const body = response.json() as Record<string, unknown>;
  expect(Object.keys(body).sort(), label).toEqual(['error', 'message', 'requestId']);
  expect(body.error, label).toBe(code);
}

/**
 * Every way in that must fail, on each route: no session, a non-admin, a token without the route's scope, an expired
 * token, a revoked one, and the token of an admin who was demoted since. Each is refused before anything is read or
 * changed: the event log does not grow.
 */
export async function expectGuarded(api: AdminApi, routes: Array<Call & { scope: AdminScope }>): Promise<void> {
  const otherScope = (scope: AdminScope): AdminScope => (scope === 'status:read' ? 'events:read' : 'status:read');
  const formerAdmin = await api.identity.createUser({ username: `former-admin-${Date.now()}`, isAdmin: true });
  const expired = await api.token(['users:read', 'users:write', 'groups:read', 'groups:write', 'sessions:read', 'sessions:write'], { expired: true });
  const revoked = await api.token(['users:read', 'users:write', 'groups:read', 'groups:write', 'sessions:read', 'sessions:write'], { revoked: true });
  const demoted = await api.token(['users:read', 'users:write', 'groups:read', 'groups:write', 'sessions:read', 'sessions:write'], { createdBy: formerAdmin.id });
  await api.app.platform.pool.query('UPDATE users SET is_admin = false WHERE id = $1', [formerAdmin.id]);
  const eventsBefore = await api.eventCount();
  for (const route of routes) {
    const label = `${route.method ?? 'GET'} ${route.url}`;
    expectRefusal(await api.call(route), 401, 'not_signed_in', `${label} without a session`);
    expectRefusal(await api.call({ ...route, session: api.userSession }), 403, 'not_admin', `${label} as a non-admin`);
    expectRefusal(await api.call({ ...route, bearer: await api.token([otherScope(route.scope)]) }), 403, 'insufficient_scope', `${label} with a token lacking ${route.scope}`);
    expectRefusal(await api.call({ ...route, bearer: expired }), 401, 'token_expired', `${label} with an expired token`);
    expectRefusal(await api.call({ ...route, bearer: revoked }), 401, 'invalid_token', `${label} with a revoked token`);
    expectRefusal(await api.call({ ...route, bearer: demoted }), 401, 'invalid_token', `${label} with a demoted admin's token`);
  }
  expect(await api.eventCount()).toBe(eventsBefore);
}

/** Walks every page of a list; fails on a page that repeats an item. */
export async function allPages<T extends { id: string }>(api: AdminApi, url: string, limit: number): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const separator = url.includes('?') ? '&' : '?';
    const page: { items: T[]; nextCursor: string | null } = await api.ok({ url: `${url}${separator}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}` });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    cursor = page.nextCursor;
    pages++;
  } while (cursor);
  expect(new Set(items.map((item) => item.id)).size, 'no item on two pages').toBe(items.length);
  return { items, pages };
}
