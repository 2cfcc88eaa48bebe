// A running appliance for the end-to-end tests of the control UI's and portal's pages: a real `gatehouse serve` on
// a fresh data dir, its first admin created through the setup link's API (as the wizard's first step does), and
// that admin's session for the browser and for API calls the tests make on the side.
import zlib from 'node:zlib';
import type { Browser } from 'playwright-core';
import { expect } from 'vitest';
import { openPage, type PageOptions, type WatchedPage } from '../helpers/browser.ts';
import { removeDataDir, startServe, tempDataDir, type ServeProcess } from '../helpers/serve.ts';

export const ADMIN = { username: 'admin', email: 'admin@example.org', password: 'a long and secret phrase' } as const;
/** A tall phone (iPhone X size): the page scrolls, it must never need sideways scrolling. */
export const PHONE_TALL = { width: 375, height: 812 } as const;

export const SESSION_COOKIE = 'gatehouse_session';

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export interface Appliance {
  url: string;
  dataDir: string;
  server: ServeProcess;
  /** The signed-in admin's session cookie value. */
  adminSession: string;
  /** A JSON call as the control UI makes it (same origin), with the given session (the admin's by default). */
  api<T = unknown>(method: string, path: string, body?: unknown, options?: { session?: string | null; headers?: Record<string, string> }): Promise<ApiAnswer<T>>;
  /** A new browser window signed in with a session (the admin's by default). */
  openSignedIn(browser: Browser, options?: PageOptions & { session?: string }): Promise<WatchedPage>;
  /** Signs a user in through the flow API and answers their new session cookie. */
  signIn(login: string, password: string): Promise<string>;
  stop(): Promise<void>;
}

function sessionOf(headers: Headers): string | null {
  for (const cookie of headers.getSetCookie()) {
    const match = new RegExp(`^${SESSION_COOKIE}=([^;]*)`).exec(cookie);
    if (match?.[1]) return match[1];
  }
  return null;
}

/** The first admin (ADMIN), through the setup link's own API, as the wizard's first step does; answers its session. */
export async function createFirstAdmin(server: ServeProcess): Promise<string> {
  const { url, setupUrl } = server.ready;
  const token = new URL(setupUrl!).searchParams.get('token')!;
  const setup = await fetch(`${url}/api/flow/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url, 'sec-fetch-site': 'same-origin' },
    body: JSON.stringify({ token, ...ADMIN }),
  });
  expect(setup.status, await setup.clone().text()).toBe(200);
  const session = sessionOf(setup.headers)!;
  expect(session).toBeTruthy();
  return session;
}

export async function startAppliance(): Promise<Appliance> {
  const dataDir = tempDataDir('gh-e2e-');
  const server = await startServe(dataDir, { timeoutMs: 120_000 });
  const url = server.ready.url;

  async function api<T>(method: string, path: string, body?: unknown, options: { session?: string | null; headers?: Record<string, string> } = {}): Promise<ApiAnswer<T>> {
    const session = options.session === undefined ? adminSession : options.session;
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        origin: url,
        'sec-fetch-site': 'same-origin',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(session ? { cookie: `${SESSION_COOKIE}=${session}` } : {}),
        ...options.headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T, headers: response.headers };
  }

  const adminSession = await createFirstAdmin(server);

  return {
    url,
    dataDir,
    server,
    adminSession,
    api,
    async openSignedIn(browser, options = {}) {
      const watched = await openPage(browser, options);
      await watched.context.addCookies([{ name: SESSION_COOKIE, value: options.session ?? adminSession, url }]);
      return watched;
    },
    async signIn(login, password) {
      const answer = await fetch(`${url}/api/flow/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: url, 'sec-fetch-site': 'same-origin' },
        body: JSON.stringify({ login, password }),
      });
      expect(answer.status, await answer.clone().text()).toBe(200);
      return sessionOf(answer.headers)!;
    },
    async stop() {
      await server.stop();
      removeDataDir(dataDir);
    },
  };
}

/**
 * Console errors other than the API's answers the test provoked on purpose: Chromium logs every 4xx answer as a
 * console error, so the expected ones (matched by status and path) are taken out, and nothing else may be left.
 */
export function unexpectedProblems(watched: WatchedPage, expected: Array<{ status: number; path: string }> = []): string[] {
  return watched.problems.filter((problem) => !expected.some(({ status, path }) => problem.includes(`status of ${status}`) && problem.includes(path)));
}

/** Asserts the page logged nothing but the expected refusals since the last check, then starts a new check. */
export function expectNoProblems(watched: WatchedPage, expected: Array<{ status: number; path: string }> = []): void {
  const problems = unexpectedProblems(watched, expected);
  watched.problems.length = 0;
  expect(problems).toEqual([]);
}

/** A real PNG: a square of one colour (PNG spec: signature, IHDR, one zlib-compressed IDAT, IEND; CRC-32 per chunk). */
export function squarePng(size: number, [red, green, blue]: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per sample, RGB, deflate, adaptive filtering, no interlace
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: size }, () => [red, green, blue]).flat())]);
  const pixels = zlib.deflateSync(Buffer.concat(Array.from({ length: size }, () => row)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}
