// The browser pages as the server serves them: only the known page routes, a strict Content-Security-Policy,
// never-cached HTML and long-cached hashed assets.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { assertRendererBuilt } from '../helpers/browser.ts';
import { PAGE_CSP, registerRenderer } from '../../server/src/http/static.ts';
import { errorHandler, notFoundHandler } from '../../server/src/http/errors.ts';

let app: TestApp;
beforeAll(async () => {
  assertRendererBuilt();
  app = await createTestApp();
});
afterAll(async () => app?.close());

describe('pages', () => {
  it('serves the app for each page route, never cached, under a CSP without inline script or style', async () => {
    for (const url of ['/', '/setup?token=abc', '/interaction/Vx1Q3k9h2mP0sT7aB4cDe']) {
      const response = await app.app.inject(url);
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['content-security-policy']).toBe(PAGE_CSP);
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.body).toMatch(/<script type="module" crossorigin src="\/assets\/[^"]+\.js"><\/script>/);
    }
    expect(PAGE_CSP).not.toContain('unsafe');
    expect(PAGE_CSP).toContain("script-src 'self'");
    expect(PAGE_CSP).toContain("frame-ancestors 'none'");
  });

  it('has no inline script or style in the page, which the CSP would block', async () => {
    const html = (await app.app.inject('/')).body;
    expect(html.match(/<script\b[^>]*>/g)!.every((tag) => tag.includes(' src='))).toBe(true);
    expect(html).not.toMatch(/<style\b|\sstyle=/);
  });

  it('serves hashed assets cached for a year, and answers 404 for an asset that is not there', async () => {
    const html = (await app.app.inject('/')).body;
    for (const asset of html.match(/\/assets\/[^"]+\.(js|css)/g)!) {
      const response = await app.app.inject(asset);
      expect(response.statusCode, asset).toBe(200);
      expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    const missing = await app.app.inject('/assets/index-00000000.js');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('application/json');
  });

  it('answers a JSON 404 for paths that are not pages, instead of the app', async () => {
    for (const url of ['/nope', '/interaction', '/interaction/abc/extra', '/setup/x', '/index.html']) {
      const response = await app.app.inject(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.json()).toMatchObject({ error: 'not_found' });
    }
  });

  it('says how to build the pages when dist/renderer is missing', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-no-renderer-'));
    const bare = Fastify();
    bare.setErrorHandler(errorHandler);
    bare.setNotFoundHandler(notFoundHandler);
    await registerRenderer(bare, { pages: ['/'], root: empty });
    try {
      const response = await bare.inject('/');
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ error: 'pages_not_built', message: expect.stringContaining('npm run build:renderer') });
    } finally {
      await bare.close();
      fs.rmSync(empty, { recursive: true });
    }
  });
});
