// Login benchmark: full scripted password logins per second (authorize → identify → password → code → token, no
// browser) against a real Gatehouse (gatehouse serve on a fresh data dir, as run.ts starts it), beside the hash
// ceiling: the machine's cores ÷ the time of one argon2id verify at the production parameters.
//   node --import tsx bench/oidc/logins.ts [--record] [--users N] [--logins N] [--max-seconds N] [--cpu-prof DIR] [--statements N]
// --cpu-prof DIR runs the server under node's --cpu-prof and leaves its profile in DIR (node 20 refuses it in NODE_OPTIONS).
// --statements N runs N more logins one at a time after the measured ones, with PostgreSQL logging every statement,
// and prints (and records) the SQL statements per login by kind.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { openCliDatabase } from '../../server/src/appliance/cli-database.ts';
import { verbTarget } from '../../server/src/appliance/verb.ts';
import { createIdentityService } from '../../server/src/identity/service.ts';
import { ARGON2ID_PARAMETERS, createArgon2idHasher } from '../../server/src/identity/passwords.ts';
import { LOGIN_LIMITS } from '../../server/src/flows/throttle.ts';
import type { InteractionView } from '../../server/src/flows/schemas.ts';
import { REPO, startChild, stop } from './child.ts';

const BIN = path.join(REPO, 'bin', 'gatehouse.mjs');
const option = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const USERS = option('users', 200);
const LOGINS_PER_LEVEL = option('logins', 300);
/** A level stops starting logins after this long, whatever its count: the run stays within a few minutes. */
const MAX_SECONDS_PER_LEVEL = option('max-seconds', 60);
const CPU_PROFILE_DIR = process.argv.includes('--cpu-prof') ? path.resolve(process.argv[process.argv.indexOf('--cpu-prof') + 1]!) : null;
const STATEMENT_LOGINS = option('statements', 0);
const CONCURRENCY_LEVELS = [2, 4, 8];
const FIRST_LOGIN_CONCURRENCY = 4;
const HASH_SAMPLES = 50;
const REDIRECT_URI = 'http://127.0.0.1:9999/cb';
const passwordOf = (index: number) => `bench password ${index}`;
const usernameOf = (index: number) => `bench${String(index).padStart(4, '0')}`;

// The flow API counts password attempts per source address (LOGIN_LIMITS.perAddress) and does not read
// X-Forwarded-For; all of 127.0.0.0/8 is loopback on Linux, so each login binds its own source address in turn.
const SOURCE_ADDRESSES = Array.from({ length: 253 }, (_, i) => `127.0.0.${i + 2}`);


interface Answer {
  status: number;
  location: string | undefined;
  body: string;
}

interface Cookie {
  name: string;
  value: string;
  path: string;
}

/** One keep-alive pool for every source address (node's agent keeps connections apart by local address). */
const agent = new http.Agent({ keepAlive: true });

/**
 * A scripted browser: one cookie jar (by name and path, RFC 6265 §5.4), one source address, redirects followed
 * by hand, and the flow API's POSTs sent as Gatehouse's own page sends them (same-origin Origin, CSRF token).
 */
class ScriptedBrowser {
  private readonly jar = new Map<string, Cookie>();

  constructor(
    private readonly origin: URL,
    private readonly localAddress: string,
  ) {}

  get(target: string): Promise<Answer> {
    return this.send('GET', target, {});
  }

  postJson(target: string, body: unknown, headers: Record<string, string>): Promise<Answer> {
    return this.send('POST', target, { 'content-type': 'application/json', origin: this.origin.origin, ...headers }, JSON.stringify(body));
  }

  postForm(target: string, form: URLSearchParams, headers: Record<string, string>): Promise<Answer> {
    return this.send('POST', target, { 'content-type': 'application/x-www-form-urlencoded', ...headers }, form.toString());
  }

  private send(method: 'GET' | 'POST', target: string, headers: Record<string, string>, body?: string): Promise<Answer> {
    const url = new URL(target, this.origin);
    const cookies = [...this.jar.values()].filter((cookie) => pathMatches(url.pathname, cookie.path));
    const sent: Record<string, string> = { ...headers };
    if (cookies.length > 0) sent.cookie = cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
    if (body !== undefined) sent['content-length'] = String(Buffer.byteLength(body));
    return new Promise((resolve, reject) => {
      const request = http.request(
        { agent, host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers: sent, localAddress: this.localAddress },
        (response) => {
          this.keep(url.pathname, response.headers['set-cookie'] ?? []);
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode!, location: response.headers.location, body: text }));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  private keep(requestPath: string, setCookies: string[]): void {
    for (const header of setCookies) {
      const [pair, ...attributes] = header.split(';');
      const equals = pair!.indexOf('=');
      const name = pair!.slice(0, equals).trim();
      const value = pair!.slice(equals + 1).trim();
      const attribute = (wanted: string) => attributes.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith(`${wanted}=`))?.slice(wanted.length + 1);
      // RFC 6265 §5.1.4: without a Path attribute, the directory of the request's path.
      const cookiePath = attribute('path') ?? (requestPath.lastIndexOf('/') > 0 ? requestPath.slice(0, requestPath.lastIndexOf('/')) : '/');
      const maxAge = attribute('max-age');
      const expires = attribute('expires');
      const expired = (maxAge !== undefined && Number(maxAge) <= 0) || (expires !== undefined && Date.parse(expires) <= Date.now());
      const key = `${name};${cookiePath}`;
      if (expired) this.jar.delete(key);
      else this.jar.set(key, { name, value, path: cookiePath });
    }
  }
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  return requestPath === cookiePath || (requestPath.startsWith(cookiePath) && (cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/'));
}

interface Target {
  url: URL;
  clientId: string;
  clientSecret: string;
}

function expectStatus(answer: Answer, wanted: number[], what: string): void {
  if (!wanted.includes(answer.status)) throw new Error(`${what}: answered ${answer.status}: ${answer.body.slice(0, 300)}`);
}

/** Follows the provider's redirects until the browser leaves for the app, or lands on an interaction page. */
async function follow(browser: ScriptedBrowser, target: Target, location: string): Promise<{ callback: URL } | { uid: string }> {
  for (let hops = 0; hops < 5; hops++) {
    const next = new URL(location, target.url);
    if (next.href.startsWith(`${REDIRECT_URI}?`)) return { callback: next };
    const interaction = /^\/interaction\/([A-Za-z0-9_-]+)$/.exec(next.pathname);
    if (next.origin === target.url.origin && interaction) return { uid: interaction[1]! };
    const answer = await browser.get(next.pathname + next.search);
    expectStatus(answer, [302, 303], `GET ${next.pathname}`);
    location = answer.location!;
  }
  throw new Error('more than 5 redirects');
}

/** The flow API's answer: a view of the flow, or the error that stops the benchmark. */
async function flowStep(answer: Promise<Answer>, what: string): Promise<InteractionView> {
  const response = await answer;
  expectStatus(response, [200], what);
  return JSON.parse(response.body) as InteractionView;
}

/**
 * One full login as a confidential client and its user would do it: the authorization request with PKCE (S256), the
 * sign-in pages' API calls (and consent when the provider asks for it), the redirect back with a code, and the token
 * request. Resolves with whether consent was asked; throws at any unexpected answer.
 */
async function fullLogin(target: Target, userIndex: number, localAddress: string): Promise<{ consented: boolean }> {
  const browser = new ScriptedBrowser(target.url, localAddress);
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(8).toString('hex');
  const nonce = randomBytes(8).toString('hex');
  const query = new URLSearchParams({
    client_id: target.clientId,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: 'openid',
    state,
    nonce,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const authorization = await browser.get(`/oidc/auth?${query}`);
  expectStatus(authorization, [302, 303], 'GET /oidc/auth');

  // The page at /interaction/:uid is static (index.html of the renderer): a browser would load it and then call
  // the flow API, which is all that is scripted here.
  let consented = false;
  let next = await follow(browser, target, authorization.location!);
  while ('uid' in next) {
    const api = `/api/flow/interaction/${next.uid}`;
    const view = await flowStep(browser.get(api), `GET ${api}`);
    let redirect: InteractionView;
    if (view.step === 'identify') {
      const password = await flowStep(browser.postJson(`${api}/identify`, { login: usernameOf(userIndex) }, { 'x-csrf-token': view.csrfToken }), 'identify');
      if (password.step !== 'password') throw new Error(`identify led to ${password.step}`);
      redirect = await flowStep(browser.postJson(`${api}/password`, { password: passwordOf(userIndex) }, { 'x-csrf-token': password.csrfToken }), 'password');
    } else if (view.step === 'consent') {
      consented = true;
      redirect = await flowStep(browser.postJson(`${api}/consent`, { decision: 'allow' }, { 'x-csrf-token': view.csrfToken }), 'consent');
    } else {
      throw new Error(`unexpected step ${view.step} at ${api}`);
    }
    if (redirect.step !== 'redirect') throw new Error(`expected a redirect, got ${redirect.step}`);
    next = await follow(browser, target, redirect.redirectTo);
  }

  const code = next.callback.searchParams.get('code');
  if (!code || next.callback.searchParams.get('state') !== state) throw new Error(`back at the app without a code: ${next.callback.href}`);
  const tokens = await browser.postForm('/oidc/token', new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }), {
    authorization: `Basic ${Buffer.from(`${encodeURIComponent(target.clientId)}:${encodeURIComponent(target.clientSecret)}`).toString('base64')}`,
  });
  expectStatus(tokens, [200], 'POST /oidc/token');
  const idToken = (JSON.parse(tokens.body) as { id_token?: string }).id_token;
  const claims = idToken ? (JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString()) as { nonce?: string; sub?: string }) : {};
  if (claims.nonce !== nonce || !claims.sub) throw new Error(`no ID token for this login: ${tokens.body.slice(0, 300)}`);
  return { consented };
}

/** CPU seconds so far: the whole machine (busy and all), one process (all its threads, from /proc). */
function machineCpu(): { busy: number; total: number } {
  const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  // idle and iowait are the 4th and 5th fields.
  return { busy: (total - fields[3]! - fields[4]!) / 100, total: total / 100 };
}

/** PostgreSQL's CPU seconds so far: the postmaster and its children (the backends, WAL writer, checkpointer…). */
function postgresCpuSeconds(dataDir: string): number {
  const postmaster = Number(fs.readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
  let seconds = processCpuSeconds(postmaster);
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // ppid is the 4th field of proc(5), the 2nd after the command.
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster) seconds += processCpuSeconds(Number(entry));
    } catch {
      // The process ended meanwhile.
    }
  }
  return seconds;
}

function processCpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime, fields 14 and 15 of proc(5), in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface LevelResult {
  concurrency: number;
  logins: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  consents: number;
  /** Shares of all the machine's CPU time during the level. */
  cpu: { busy: number; gatehouse: number; postgres: number; client: number };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

let loginsStarted = 0;

/** `count` logins, `concurrency` at a time, users in turn from `firstUser`; each login from the next source address. */
async function runLevel(target: Target, gatehousePid: number, dataDir: string, concurrency: number, count: number, firstUser: number): Promise<LevelResult> {
  const latencies: number[] = [];
  let consents = 0;
  let next = 0;
  const machineBefore = machineCpu();
  const gatehouseBefore = processCpuSeconds(gatehousePid);
  const postgresBefore = postgresCpuSeconds(dataDir);
  const clientBefore = processCpuSeconds(process.pid);
  const started = performance.now();
  const deadline = started + MAX_SECONDS_PER_LEVEL * 1000;
  const worker = async () => {
    while (next < count && performance.now() < deadline) {
      const userIndex = (firstUser + next++) % USERS;
      const address = SOURCE_ADDRESSES[loginsStarted++ % SOURCE_ADDRESSES.length]!;
      const begun = performance.now();
      const { consented } = await fullLogin(target, userIndex, address);
      latencies.push(performance.now() - begun);
      if (consented) consents++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const machineAfter = machineCpu();
  const machineTotal = machineAfter.total - machineBefore.total;
  latencies.sort((a, b) => a - b);
  return {
    concurrency,
    logins: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    consents,
    cpu: {
      busy: (machineAfter.busy - machineBefore.busy) / machineTotal,
      gatehouse: (processCpuSeconds(gatehousePid) - gatehouseBefore) / machineTotal,
      postgres: (postgresCpuSeconds(dataDir) - postgresBefore) / machineTotal,
      client: (processCpuSeconds(process.pid) - clientBefore) / machineTotal,
    },
  };
}

/** Median time of one argon2id verify with the identity domain's hasher, one at a time, in milliseconds. */
async function medianVerifyMs(): Promise<number> {
  const hasher = createArgon2idHasher();
  const phc = await hasher.hash(passwordOf(0));
  await hasher.verify(phc, passwordOf(0));
  const times: number[] = [];
  for (let i = 0; i < HASH_SAMPLES; i++) {
    const begun = performance.now();
    if (!(await hasher.verify(phc, passwordOf(0)))) throw new Error('argon2id verify failed');
    times.push(performance.now() - begun);
  }
  times.sort((a, b) => a - b);
  return percentile(times, 50);
}

/** Statements of one kind per login, most frequent first. */
interface StatementCount {
  kind: string;
  perLogin: number;
}

/**
 * `count` logins one at a time with log_statement = all, and what the server's main pool ran for them, by kind: the
 * name of a prepared statement, else the statement's first words. The background (the job queue's pool, the bus's
 * listener) is left out by application_name; the logins run alone, so the main pool's statements are theirs.
 */
async function countStatements(dataDir: string, target: Target, firstUser: number, count: number): Promise<{ total: number; kinds: StatementCount[] }> {
  const { config } = verbTarget({ data: dataDir });
  const db = await openCliDatabase(dataDir, config);
  const logFile = path.join(dataDir, 'logs', 'postgres.log');
  const setLogging = async (on: boolean) => {
    await db.pool.query(on ? "ALTER SYSTEM SET log_statement = 'all'" : 'ALTER SYSTEM RESET log_statement');
    await db.pool.query(on ? "ALTER SYSTEM SET log_line_prefix = '%m [%p] %a '" : 'ALTER SYSTEM RESET log_line_prefix');
    await db.pool.query('SELECT pg_reload_conf()');
    // Backends read the new settings at their next command; give the reload a moment to reach them.
    await new Promise((resolve) => setTimeout(resolve, 300));
  };
  try {
    await setLogging(true);
    const offset = fs.statSync(logFile).size;
    for (let i = 0; i < count; i++) await fullLogin(target, (firstUser + i) % USERS, SOURCE_ADDRESSES[loginsStarted++ % SOURCE_ADDRESSES.length]!);
    await setLogging(false);
    const entries = fs.readFileSync(logFile, 'utf8').slice(offset).split(/\n(?=\d{4}-\d\d-\d\d )/);
    const kinds = new Map<string, number>();
    for (const entry of entries) {
      const logged = /^\S+ \S+ \S+ \[\d+\] (\S*) LOG:  (?:statement|execute ([^:]+)): ([\s\S]*)$/.exec(entry);
      if (!logged || !/^gatehouse:.*:pool$/.test(logged[1]!)) continue;
      const [, , name, text] = logged;
      const kind = name && name !== '<unnamed>' ? name : text!.replace(/\s+/g, ' ').trim().slice(0, 90);
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    const sorted = [...kinds].map(([kind, n]) => ({ kind, perLogin: n / count })).sort((a, b) => b.perLogin - a.perLogin);
    return { total: sorted.reduce((sum, kind) => sum + kind.perLogin, 0), kinds: sorted };
  } finally {
    await db.close();
  }
}

async function createUsers(dataDir: string, publicUrl: string): Promise<void> {
  const { config } = verbTarget({ data: dataDir });
  const db = await openCliDatabase(dataDir, config);
  try {
    // The identity service's default hasher: argon2id at the production parameters.
    const identity = createIdentityService({ pool: db.pool, publicUrl });
    let next = 0;
    const worker = async () => {
      while (next < USERS) {
        const index = next++;
        await identity.createUser({ username: usernameOf(index), email: `${usernameOf(index)}@bench.example`, password: passwordOf(index) });
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
  } finally {
    await db.close();
  }
}

async function main(): Promise<void> {
  const plannedLogins = USERS + LOGINS_PER_LEVEL * CONCURRENCY_LEVELS.length + STATEMENT_LOGINS;
  const perAddress = Math.ceil(plannedLogins / SOURCE_ADDRESSES.length);
  if (perAddress > LOGIN_LIMITS.perAddress.limit) throw new Error(`${plannedLogins} logins need ${perAddress} per source address, over the limit of ${LOGIN_LIMITS.perAddress.limit}`);

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-bench-logins-'));
  const profile = CPU_PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROFILE_DIR] : [];
  const gatehouse = await startChild([...profile, BIN, 'serve', '--data', dataDir, '--port', '0', '--json'], (line) => line.event === 'ready');
  try {
    const url = new URL(String(gatehouse.line.url));
    const added = await promisify(execFile)(process.execPath, [BIN, 'app', 'add-oidc', 'bench-logins', '--redirect-uri', REDIRECT_URI, '--json', '--data', dataDir], { cwd: REPO });
    const app = JSON.parse(added.stdout) as { client_id: string; client_secret: string };
    const target: Target = { url, clientId: app.client_id, clientSecret: app.client_secret };
    const usersStarted = performance.now();
    await createUsers(dataDir, url.origin);
    console.log(`${USERS} users created in ${((performance.now() - usersStarted) / 1000).toFixed(1)} s`);

    // The ceiling is measured while the server idles, before any login.
    const verifyMs = await medianVerifyMs();
    const cores = os.cpus().length;
    const ceiling = cores / (verifyMs / 1000);
    console.log(`argon2id verify: median ${verifyMs.toFixed(1)} ms → ceiling ${ceiling.toFixed(1)} logins/s on ${cores} cores`);

    // Each user's first login is asked for consent; Gatehouse remembers it, and the measured logins are not asked again.
    const gatehousePid = gatehouse.child.pid!;
    const first = await runLevel(target, gatehousePid, dataDir, FIRST_LOGIN_CONCURRENCY, USERS, 0);
    if (first.logins !== USERS || first.consents !== USERS) throw new Error(`first logins: ${first.logins} done, ${first.consents} with consent, of ${USERS}`);
    const levels: LevelResult[] = [];
    for (const concurrency of CONCURRENCY_LEVELS) {
      const level = await runLevel(target, gatehousePid, dataDir, concurrency, LOGINS_PER_LEVEL, 0);
      if (level.consents > 0) throw new Error(`${level.consents} logins at concurrency ${concurrency} were asked for consent again`);
      levels.push(level);
    }

    const best = levels.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
    const ratio = best.perSecond / ceiling;
    const n1 = (value: number) => value.toFixed(1);
    const ms = (value: number) => `${Math.round(value)} ms`;
    const pct = (value: number) => `${Math.round(value * 100)}%`;
    // "the rest" is the machine's busy time less the server's, PostgreSQL's and this client's: anything else running.
    // The machine's and the processes' counters are read a moment apart, so on a quiet machine it can come out a
    // little below zero: shown as 0.
    // Per login, the CPU of the three measured processes alone, which other load on the machine does not inflate.
    const perLogin = (level: LevelResult, share: number) => n1((share * cores * level.seconds * 1000) / level.logins);
    const cpu = (level: LevelResult) => {
      const { busy, gatehouse, postgres, client } = level.cpu;
      return (
        `CPU busy ${pct(busy)} (gatehouse ${pct(gatehouse)}, PostgreSQL ${pct(postgres)}, this client ${pct(client)}, the rest ${pct(Math.max(0, busy - gatehouse - postgres - client))}), ` +
        `${perLogin(level, gatehouse + postgres + client)} ms of CPU per login (gatehouse ${perLogin(level, gatehouse)}, PostgreSQL ${perLogin(level, postgres)}, client ${perLogin(level, client)})`
      );
    };
    const rows: Array<[string, string, string]> = [
      [`argon2id verify, production parameters (m=${ARGON2ID_PARAMETERS.memoryCost} KiB, t=${ARGON2ID_PARAMETERS.timeCost}, p=${ARGON2ID_PARAMETERS.parallelism}), median of ${HASH_SAMPLES}, one at a time`, `${verifyMs.toFixed(1)} ms`, '—'],
      [`hash ceiling, logins/s: ${cores} cores ÷ one verify`, n1(ceiling), '—'],
      [`first logins/s, consent given, concurrency ${first.concurrency}, ${first.logins} logins (one per user)`, n1(first.perSecond), '—'],
      [`login latency p50 / p99, first logins`, `${ms(first.p50)} / ${ms(first.p99)}`, '—'],
      ...levels.flatMap((level): Array<[string, string, string]> => [
        [`full password logins/s (authorize → login → code → token), concurrency ${level.concurrency}, ${level.logins} logins`, n1(level.perSecond), `≥ 0.8 × ceiling = ${n1(0.8 * ceiling)}`],
        [`login latency p50 / p99, concurrency ${level.concurrency}`, `${ms(level.p50)} / ${ms(level.p99)}`, '—'],
      ]),
      [`best logins/s ÷ hash ceiling (concurrency ${best.concurrency})`, `${ratio.toFixed(2)} ×`, '≥ 0.8 ×'],
    ];
    console.log('');
    for (const [name, result, reference] of rows) console.log(`${name.padEnd(112)} ${result.padStart(16)}   (${reference})`);
    console.log('');
    for (const level of [first, ...levels]) console.log(`concurrency ${level.concurrency}: ${level.logins} logins in ${level.seconds.toFixed(1)} s; ${cpu(level)}`);
    const statements = STATEMENT_LOGINS > 0 ? await countStatements(dataDir, target, 0, STATEMENT_LOGINS) : null;
    const statementLines = statements
      ? [`SQL statements per login (main pool, ${STATEMENT_LOGINS} logins one at a time): ${n1(statements.total)}`, ...statements.kinds.map(({ kind, perLogin }) => `  ${n1(perLogin).padStart(5)}  ${kind}`)]
      : [];
    if (statements) console.log(['', ...statementLines].join('\n'));

    if (process.argv.includes('--record')) {
      const file = path.join(REPO, 'bench', 'RESULTS.md');
      const section = [
        `\n## bench/oidc logins, ${new Date().toISOString().slice(0, 10)}`,
        '',
        `Machine: ${cores} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${os.userInfo().username === 'root' ? 'as root' : 'as a user'}.`,
        `${USERS} users, then ${LOGINS_PER_LEVEL} logins per concurrency level, each from the next of ${SOURCE_ADDRESSES.length} loopback source addresses, in this process.`,
        '',
        '| measure | result | reference / target |',
        '| --- | ---: | --- |',
        ...rows.map(([name, result, reference]) => `| ${name} | ${result} | ${reference} |`),
        '',
        'Notes on this run:',
        '- Gatehouse: `gatehouse serve` on a fresh data dir (embedded PostgreSQL as shipped: fsync and synchronous_commit on),',
        '  log level warn; a confidential client registered with `gatehouse app add-oidc`, users made by the identity',
        "  service with its default hasher (argon2id at the production parameters).",
        '- A login: GET /oidc/auth (scope openid, state, nonce, PKCE S256), the flow API (GET state, POST identify, POST',
        '  password; consent when asked), the redirects followed by hand to the redirect URI, POST /oidc/token with the code',
        '  and verifier (client_secret_basic), and a check of the ID token\'s nonce. A new cookie jar per login, so no',
        '  Gatehouse session is reused; keep-alive connections. The static sign-in page itself is not fetched.',
        "- Consent: each user's first login gives it (the \"first logins\" row, which also warms up); Gatehouse remembers",
        '  it per user and client, and the measured logins are not asked again (the script fails if one is).',
        `- The flow API allows ${LOGIN_LIMITS.perAddress.limit} password attempts per source address in ${LOGIN_LIMITS.perAddress.windowSeconds / 60} minutes and ignores X-Forwarded-For: each`,
        '  login binds the next address of 127.0.0.2–127.0.0.254 (all of 127/8 is loopback on Linux).',
        '- The hash ceiling is measured in this process while the server idles, before the logins.',
        '- CPU shares are of all the machine\'s cores, from /proc; PostgreSQL is its postmaster and children; "the rest" is',
        '  whatever else ran on the machine meanwhile. CPU per login counts gatehouse, PostgreSQL and this client only.',
        ...[first, ...levels].map((level) => `  Concurrency ${level.concurrency}${level === first ? ' (first logins)' : ''}: ${level.logins} logins in ${level.seconds.toFixed(1)} s, ${cpu(level)}.`),
        '- The server, PostgreSQL and this client share the same cores.',
        ...(statements ? ['- ' + statementLines[0] + ', by kind (prepared statement name, else its first words):', ...statements.kinds.map(({ kind, perLogin }) => `  - ${n1(perLogin)} × \`${kind}\``)] : []),
        '',
      ].join('\n');
      fs.appendFileSync(file, section);
      console.log(`\nrecorded in ${path.relative(REPO, file)}`);
    }
  } finally {
    agent.destroy();
    await stop(gatehouse.child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
