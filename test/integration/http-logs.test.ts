// The request log never carries a live credential from a URL: one-time setup, reset and bootstrap links, codes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pino } from 'pino';
import { createTestApp, type TestApp } from '../helpers/app.ts';

const lines: string[] = [];
let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({ logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }) });
});

afterAll(async () => {
  await app?.close();
});

it('hides the token of a reset, setup or bootstrap link and an authorization code, and keeps the rest of the URL', async () => {
  for (const url of ['/api/flow/reset?token=SECRET-1', '/setup?token=SECRET-2&x=1', '/bootstrap?token=SECRET-3', '/oidc/auth?code=SECRET-4&state=s', '/oidc/device?user_code=SECRET-5', '/oidc/session/end?id_token_hint=SECRET-6']) {
    await app.app.inject({ url });
  }
  const requests = lines.filter((line) => line.includes('incoming request'));
  expect(requests.length).toBeGreaterThanOrEqual(6);
  expect(lines.join('\n')).not.toContain('SECRET-');
  expect(requests.join('\n')).toContain('/setup?token=[hidden]&x=1');
});
