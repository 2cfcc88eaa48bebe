// Serves the browser pages built from renderer/ (npm run build:renderer → dist/renderer):
// content-hashed assets cached for a year, and index.html, never cached, for a fixed list of page routes only
// (an unknown path stays a JSON 404, not a page). Every page carries a Content-Security-Policy without
// 'unsafe-inline': the build has no inline script or style.
import fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { PACKAGE_ROOT } from '../appliance/paths.ts';
import { HttpError } from './errors.ts';

export const RENDERER_DIR = path.join(PACKAGE_ROOT, 'dist', 'renderer');

/**
 * Scripts, styles and fonts only from our origin; app logos from https anywhere; the API on our origin only;
 * no plugins, no <base>, forms post only to us, and no framing (CSP Level 3; frame-ancestors beside X-Frame-Options).
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' https:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const YEAR_SECONDS = 365 * 24 * 60 * 60;

export interface RendererOptions {
  /** The page routes that answer with index.html, e.g. '/', '/setup', '/interaction/:uid'. */
  pages: readonly string[];
  /** Defaults to dist/renderer in the package. */
  root?: string;
}

/** Registers the pages and their assets in the given (encapsulated) instance. */
export async function registerRenderer(app: FastifyInstance, options: RendererOptions): Promise<void> {
  const root = options.root ?? RENDERER_DIR;
  const indexFile = path.join(root, 'index.html');
  const assetsDir = path.join(root, 'assets');

  if (fs.existsSync(assetsDir)) {
    await app.register(fastifyStatic, {
      root: assetsDir,
      prefix: '/assets/',
      decorateReply: false,
      index: false,
      list: false,
      // The file names carry a hash of the content: a changed file is a new URL, so a year is safe.
      cacheControl: false,
      setHeaders: (reply) => void reply.header('cache-control', `public, max-age=${YEAR_SECONDS}, immutable`),
    });
  }

  // /favicon.ico too: browsers ask for it on pages that name no icon (the provider's own pages), and log a 404.
  for (const iconPath of ['/favicon.svg', '/favicon.ico']) {
    app.get(iconPath, async (_request, reply) => {
      const icon = await readFile(path.join(root, 'favicon.svg')).catch(() => null);
      if (!icon) return reply.callNotFound();
      return reply.header('content-type', 'image/svg+xml').header('cache-control', 'public, max-age=86400').send(icon);
    });
  }

  const sendPage = async (reply: FastifyReply) => {
    // Read each time: a rebuilt renderer is served without a restart, and the file is a few hundred bytes.
    const html = await readFile(indexFile, 'utf8').catch(() => null);
    if (html === null) {
      throw new HttpError(503, 'pages_not_built', 'The Gatehouse pages are not built. Run `npm run build:renderer` (npm start does it), then reload.');
    }
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-security-policy', PAGE_CSP)
      .header('cross-origin-opener-policy', 'same-origin')
      .send(html);
  };
  for (const page of options.pages) app.get(page, (_request, reply) => sendPage(reply));
}
