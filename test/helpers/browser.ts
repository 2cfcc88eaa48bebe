// Debian's Chromium driven by playwright-core, for the end-to-end tests: a fresh context per test, every console
// error and uncaught page error collected (a page that logs one has failed), and full-page screenshots to look at.
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.GATEHOUSE_TEST_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '..', 'e2e', 'screenshots');

export const DESKTOP = { width: 1280, height: 800 } as const;
/** A small phone (iPhone SE width). */
export const PHONE = { width: 375, height: 667 } as const;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Console errors, uncaught exceptions and failed requests of the page so far. */
  problems: string[];
  /**
   * The flow API's 4xx answers the page received (a wrong password, a taken username): Chromium logs each as a
   * console error, but they are the app's expected answers, so they are kept here instead of in `problems`.
   */
  apiRefusals: string[];
  /** Saves a full-page PNG as test/e2e/screenshots/<name>.png. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export interface PageOptions {
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
}

export async function openPage(browser: Browser, options: PageOptions = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: options.viewport ?? DESKTOP, colorScheme: options.colorScheme ?? 'light', locale: 'en-US' });
  const page = await context.newPage();
  const problems: string[] = [];
  const apiRefusals: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const url = message.location().url;
    if (/status of 4\d\d/.test(message.text()) && new URL(url, 'http://x').pathname.startsWith('/api/flow/')) apiRefusals.push(`${message.text()} ${url}`);
    else problems.push(`console: ${message.text()} ${url}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    // A navigation the page itself starts away from a loading document aborts that document's pending requests.
    if (request.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`);
  });
  return {
    context,
    page,
    problems,
    apiRefusals,
    async screenshot(name) {
      fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    close: () => context.close(),
  };
}

const REPO = path.resolve(import.meta.dirname, '..', '..');

function newestFile(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestFile(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** The pages are served from dist/renderer: a missing or stale build would test old pages, so it stops the run. */
export function assertRendererBuilt(): void {
  const built = path.join(REPO, 'dist', 'renderer', 'index.html');
  const sources = Math.max(newestFile(path.join(REPO, 'renderer')), fs.statSync(path.join(REPO, 'server', 'src', 'flows', 'schemas.ts')).mtimeMs);
  if (!fs.existsSync(built) || fs.statSync(built).mtimeMs < sources) {
    throw new Error('dist/renderer is missing or older than renderer/: run `npm run build:renderer` (npm test does it first).');
  }
}

/** The width of the page's content: more than the viewport means sideways scrolling. */
export async function pageWidth(page: Page): Promise<number> {
  // A string, evaluated in the page: the test code compiles without DOM types.
  return (await page.evaluate('document.documentElement.scrollWidth')) as number;
}

/**
 * A browser without a browser, for integration tests through app.inject(): it keeps cookies (by name and path,
 * as RFC 6265 §5.4 sends them), and sends state-changing requests the way fetch() on a Gatehouse page does,
 * with Origin and Sec-Fetch-Site, unless told otherwise.
 */
export class InjectBrowser {
  private readonly jar = new Map<string, { name: string; value: string; path: string }>();

  constructor(
    private readonly app: FastifyInstance,
    /** The Gatehouse origin (publicUrl). */
    readonly origin: string,
    /** The address requests come from. */
    readonly remoteAddress = '127.0.0.1',
  ) {}

  get(url: string, headers: Record<string, string> = {}): Promise<LightResponse> {
    return this.send('GET', url, undefined, headers);
  }

  /** A JSON POST as our pages send it; `headers` are added (or, set to '', removed). */
  post(url: string, body: unknown = {}, headers: Record<string, string> = {}): Promise<LightResponse> {
    return this.send('POST', url, body, { origin: this.origin, 'sec-fetch-site': 'same-origin', ...headers });
  }

  /** Drops every cookie of that name, as if it expired. */
  forget(name: string): void {
    for (const [key, cookie] of this.jar) if (cookie.name === name) this.jar.delete(key);
  }

  cookie(name: string): string | undefined {
    return [...this.jar.values()].find((cookie) => cookie.name === name)?.value;
  }

  private async send(method: 'GET' | 'POST', url: string, body: unknown, headers: Record<string, string>): Promise<LightResponse> {
    const target = new URL(url, this.origin);
    const cookies = [...this.jar.values()].filter((cookie) => pathMatches(target.pathname, cookie.path));
    // The Host a browser would send: the provider builds its redirect URLs from it.
    const sent = Object.fromEntries(Object.entries({ host: target.host, ...headers }).filter(([, value]) => value !== ''));
    if (cookies.length > 0) sent.cookie = cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
    const response = await this.app.inject({ method, url: target.pathname + target.search, headers: sent, remoteAddress: this.remoteAddress, ...(body === undefined ? {} : { payload: body as object }) });
    for (const cookie of response.cookies as Array<{ name: string; value: string; path?: string; maxAge?: number; expires?: Date }>) {
      const path = cookie.path ?? '/';
      const key = `${cookie.name};${path}`;
      const expired = cookie.maxAge === 0 || (cookie.expires !== undefined && cookie.expires.getTime() <= Date.now());
      if (expired) this.jar.delete(key);
      else this.jar.set(key, { name: cookie.name, value: cookie.value, path });
    }
    return response;
  }
}

export type LightResponse = Awaited<ReturnType<FastifyInstance['inject']>>;

function pathMatches(requestPath: string, cookiePath: string): boolean {
  return requestPath === cookiePath || (requestPath.startsWith(cookiePath) && (cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/'));
}
