// openid-client 6 as a relying party of a listening test app, with a scripted browser: a cookie jar that follows
// Gatehouse's redirects, and a test-only Fastify instance standing in for the login pages (it calls
// OidcService.finishLogin/finishConsent as the flow API does). Each sign-in makes a real Gatehouse session.
import Fastify, { type FastifyInstance } from 'fastify';
import * as client from 'openid-client';
import { errorHandler } from '../../server/src/http/errors.ts';
import type { IdentityService, UserRecord } from '../../server/src/identity/index.ts';
import type { InteractionDetails, LoginResult, OidcService } from '../../server/src/providers/oidc/index.ts';
import type { TestApp } from './app.ts';

export const REDIRECT_URI = 'http://127.0.0.1:1/callback';
/** OIDC Core 11: offline access (a refresh token) is asked for with prompt=consent. */
export const OFFLINE = { scope: 'openid profile email groups offline_access', prompt: 'consent' } as const;

type Stop = { kind: 'page'; response: Response } | { kind: 'redirect'; location: URL; response: Response } | { kind: 'interaction'; uid: string; response: Response };

/** A browser's cookie jar for one origin, with RFC 6265's path matching. */
export class Browser {
  private cookies: Array<{ name: string; value: string; path: string }> = [];
  /** The Gatehouse session this browser signed in with last (its sessions row id). */
  sessionId: string | undefined;

  constructor(private readonly origin: string) {}

  cookieHeader(url: string): string {
    const path = new URL(url).pathname;
    return this.cookies
      .filter((cookie) => path === cookie.path || path.startsWith(cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`))
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
  }

  setCookie(name: string, value: string, path = '/'): void {
    this.cookies = this.cookies.filter((cookie) => !(cookie.name === name && cookie.path === path));
    this.cookies.push({ name, value, path });
  }

  has(name: string): boolean {
    return this.cookies.some((cookie) => cookie.name === name);
  }

  /** One request, without following redirects. */
  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { cookie: this.cookieHeader(url) };
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(url, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';').map((part) => part.trim());
      const separator = pair!.indexOf('=');
      const name = pair!.slice(0, separator);
      const value = pair!.slice(separator + 1);
      const path = attributes.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      const expired = attributes.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && new Date(a.slice(8)).getTime() < Date.now()));
      this.cookies = this.cookies.filter((cookie) => !(cookie.name === name && cookie.path === path));
      if (!expired && value !== '') this.cookies.push({ name, value, path });
    }
    return response;
  }

  /** Follows redirects within Gatehouse; stops at a login page (an interaction), a page, or a redirect elsewhere. */
  async navigate(url: string, init: { form?: Record<string, string> } = {}): Promise<Stop> {
    let response = await this.request(url, init);
    for (let hops = 0; hops < 10; hops++) {
      const location = response.headers.get('location');
      if (!location || ![301, 302, 303, 307].includes(response.status)) return { kind: 'page', response };
      const next = new URL(location, url);
      if (next.origin !== this.origin) return { kind: 'redirect', location: next, response };
      const interaction = /^\/interaction\/([^/]+)$/.exec(next.pathname);
      if (interaction) return { kind: 'interaction', uid: interaction[1]!, response };
      url = next.href;
      response = await this.request(url);
    }
    throw new Error('too many redirects');
  }
}

export interface RelyingParty {
  clientId: string;
  clientSecret: string | null;
  config: client.Configuration;
}

export interface Authorization {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

/** The login pages' part of a sign-in, and openid-client's, against one listening test app. */
export class SignIns {
  private constructor(
    private readonly gatehouse: TestApp,
    private readonly pages: FastifyInstance,
  ) {}

  static async start(gatehouse: TestApp): Promise<SignIns> {
    const oidc = gatehouse.service<OidcService>('oidc');
    const pages = Fastify();
    pages.setErrorHandler(errorHandler);
    pages.get('/interaction/:uid', (request, reply) => oidc.interactionDetails(request, reply));
    pages.post('/interaction/:uid/login', async (request, reply) => ({ redirectTo: await oidc.finishLogin(request, reply, request.body as LoginResult) }));
    pages.post('/interaction/:uid/consent', async (request, reply) => ({ redirectTo: await oidc.finishConsent(request, reply) }));
    await pages.ready();
    return new SignIns(gatehouse, pages);
  }

  async close(): Promise<void> {
    await this.pages.close();
  }

  browser(): Browser {
    return new Browser(this.gatehouse.url);
  }

  /** openid-client configured by discovery for a registered client id (and secret). */
  async relyingParty(clientId: string, clientSecret: string | null): Promise<RelyingParty> {
    const auth = clientSecret === null ? client.None() : client.ClientSecretBasic(clientSecret);
    const config = await client.discovery(new URL(this.gatehouse.url), clientId, clientSecret ?? undefined, auth, { execute: [client.allowInsecureRequests] });
    return { clientId, clientSecret, config };
  }

  async authorizationRequest(rp: RelyingParty, params: Record<string, string> = {}): Promise<Authorization> {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(rp.config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile email groups',
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...params,
    });
    return { url, verifier, state, nonce };
  }

  /** Authorization request → (login → consent) → the redirect back to the app with a code. */
  async signInThroughApp(browser: Browser, rp: RelyingParty, user: UserRecord, params: Record<string, string> = {}): Promise<{ request: Authorization; callback: URL }> {
    const request = await this.authorizationRequest(rp, params);
    let stop = await browser.navigate(request.url.href);
    for (let step = 0; stop.kind === 'interaction' && step < 3; step++) {
      const { prompt } = await this.page<InteractionDetails>(browser, stop.uid, 'details');
      const next = prompt.name === 'login' ? await this.login(browser, stop.uid, user) : await this.consent(browser, stop.uid);
      stop = await browser.navigate(next);
    }
    if (stop.kind !== 'redirect') throw new Error(`expected a redirect to the app, got ${stop.kind} ${stop.response.status}: ${await stop.response.text()}`);
    return { request, callback: stop.location };
  }

  /** Signs in to the app and exchanges the code: the app's tokens. */
  async tokensFor(browser: Browser, rp: RelyingParty, user: UserRecord, params: Record<string, string> = {}) {
    const { request, callback } = await this.signInThroughApp(browser, rp, user, params);
    return this.exchange(rp, request, callback);
  }

  exchange(rp: RelyingParty, request: Authorization, callback: URL) {
    return client.authorizationCodeGrant(rp.config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce });
  }

  /** Signs the user in to Gatehouse (a new session, its cookie in the browser) and finishes the interaction's login. */
  async login(browser: Browser, uid: string, user: UserRecord): Promise<string> {
    const identity = this.gatehouse.service<IdentityService>('identity');
    const { token, session } = await identity.createSession(user.id, { authMethods: ['pwd'] });
    browser.setCookie(identity.sessionCookie.name, token);
    browser.sessionId = session.id;
    return (await this.page<{ redirectTo: string }>(browser, uid, 'login', { accountId: user.id, amr: ['pwd'] })).redirectTo;
  }

  async consent(browser: Browser, uid: string): Promise<string> {
    return (await this.page<{ redirectTo: string }>(browser, uid, 'consent')).redirectTo;
  }

  private async page<T>(browser: Browser, uid: string, action: 'details' | 'login' | 'consent', payload?: object): Promise<T> {
    const url = `/interaction/${uid}${action === 'details' ? '' : `/${action}`}`;
    const response = await this.pages.inject({ method: action === 'details' ? 'GET' : 'POST', url, headers: { cookie: browser.cookieHeader(`${this.gatehouse.url}${url}`) }, ...(payload ? { payload } : {}) });
    if (response.statusCode !== 200) throw new Error(`${action} refused: ${response.body}`);
    return response.json() as T;
  }
}
