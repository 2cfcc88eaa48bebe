// Admin API benchmark: latency of the list and search endpoints at 100k users and 1M events, on a real
// `gatehouse serve` (embedded PostgreSQL as shipped), through HTTP with an API token, as a script or the control UI
// would call them. Each case runs its requests one at a time (latency, not throughput), after a warm-up.
//   node --import tsx bench/admin/run.ts [--users N] [--events N] [--requests N] [--record]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { openCliDatabase } from '../../server/src/appliance/cli-database.ts';
import { verbTarget } from '../../server/src/appliance/verb.ts';
import { ADMIN_SCOPES } from '../../server/src/admin/scopes.ts';
import { newApiToken } from '../../server/src/admin/tokens/token-format.ts';
import { seedVolume } from '../seed.ts';
import { REPO, startChild, stop } from '../oidc/child.ts';

const option = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const USERS = option('users', 100_000);
const EVENTS = option('events', 1_000_000);
const REQUESTS = option('requests', 200);
const WARMUP = 20;
const TARGET_P95_MS = 50;

interface Case {
  name: string;
  /** The URL of request i (varied, so one cached plan or page does not answer them all). */
  url: (i: number) => string;
}

/** Percentile p (0..1) of sorted values, nearest rank. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gha-'));
  const { child, line } = await startChild([path.join(REPO, 'bin', 'gatehouse.mjs'), 'serve', '--data', dataDir, '--json', '--port', '0'], (l) => l.event === 'ready');
  const base = String(line.url);
  const rows: string[][] = [];
  let failures = 0;
  try {
    const db = await openCliDatabase(dataDir, verbTarget({ data: dataDir }).config);
    const seedStarted = performance.now();
    await seedVolume(db.pool, { users: USERS, events: EVENTS });
    // An admin who owns the token, and a few live sessions to list.
    const { rows: admin } = await db.pool.query<{ id: string }>(`INSERT INTO users (username, is_admin) VALUES ('bench-admin', true) RETURNING id`);
    const { token, tokenSha256 } = newApiToken();
    await db.pool.query(`INSERT INTO api_tokens (name, token_sha256, scopes, created_by, expires_at) VALUES ('bench', $1, $2, $3, now() + interval '1 day')`, [tokenSha256, [...ADMIN_SCOPES], admin[0]!.id]);
    await db.pool.query(
      `INSERT INTO sessions (token_hash, user_id, expires_at, idle_expires_at, last_seen_at, last_ip, user_agent)
       SELECT sha256(('bench-session-' || u.n)::bytea), u.id, now() + interval '7 days', now() + interval '1 day', now() - make_interval(secs => u.n), '10.0.0.1', 'bench'
         FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM users WHERE username LIKE 'seed%' LIMIT 2000) u`,
    );
    await db.pool.query('VACUUM ANALYZE');
    console.error(`seeded ${USERS} users, ${EVENTS} events and 2,000 sessions in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
    const { rows: ids } = await db.pool.query<{ user_id: string; group_id: string }>(
      `SELECT (SELECT id FROM users WHERE username = 'seed4242') AS user_id, (SELECT id FROM groups ORDER BY name LIMIT 1 OFFSET 7) AS group_id`,
    );
    const { user_id: userId, group_id: groupId } = ids[0]!;
    await db.close();

    const get = async (url: string): Promise<{ ms: number; body: { nextCursor?: string | null } }> => {
      const started = performance.now();
      const response = await fetch(base + url, { headers: { authorization: `Bearer ${token}` } });
      const body = (await response.json()) as { nextCursor?: string | null };
      const ms = performance.now() - started;
      if (!response.ok) {
        failures++;
        throw new Error(`${url}: HTTP ${response.status} ${JSON.stringify(body)}`);
      }
      return { ms, body };
    };

    // Cursors for deep pages, collected by walking the lists first.
    const deepCursors = async (url: string, pages: number): Promise<string[]> => {
      const cursors: string[] = [];
      let cursor: string | null | undefined;
      for (let page = 0; page < pages; page++) {
        const { body } = await get(`${url}${url.includes('?') ? '&' : '?'}limit=50${cursor ? `&cursor=${cursor}` : ''}`);
        cursor = body.nextCursor;
        if (!cursor) break;
        cursors.push(cursor);
      }
      return cursors;
    };
    const userCursors = await deepCursors('/api/v1/users', 60);
    const eventCursors = await deepCursors('/api/v1/events', 60);
    const searches = ['seed1', 'seed42', 'seed99999', 'user 77', 'example.test', 'Seeded User 5', 'nobody-matches', 'ed4', 'seed7777'];
    const now = Date.now();
    const day = 86_400_000;

    const cases: Case[] = [
      { name: 'users, first page', url: () => '/api/v1/users?limit=50' },
      { name: 'users, deep pages (cursor)', url: (i) => `/api/v1/users?limit=50&cursor=${userCursors[i % userCursors.length]}` },
      { name: 'users, search', url: (i) => `/api/v1/users?limit=50&search=${encodeURIComponent(searches[i % searches.length]!)}` },
      { name: 'users, in a group', url: () => `/api/v1/users?limit=50&groupId=${groupId}` },
      { name: 'users, disabled', url: () => '/api/v1/users?limit=50&status=disabled' },
      { name: 'groups, first page', url: () => '/api/v1/groups?limit=50' },
      { name: 'groups, search', url: (i) => `/api/v1/groups?limit=50&search=group-${i % 100}` },
      { name: 'group members', url: () => `/api/v1/groups/${groupId}/members?limit=50` },
      { name: 'sessions, first page', url: () => '/api/v1/sessions?limit=50' },
      { name: 'events, first page', url: () => '/api/v1/events?limit=50' },
      { name: 'events, deep pages (cursor)', url: (i) => `/api/v1/events?limit=50&cursor=${eventCursors[i % eventCursors.length]}` },
      { name: 'events, by type', url: (i) => `/api/v1/events?limit=50&type=${['user.login_failed', 'user.updated', 'group.member_added', 'application.updated'][i % 4]}` },
      { name: 'events, by category', url: (i) => `/api/v1/events?limit=50&type=${['user.', 'group.', 'application.'][i % 3]}` },
      { name: 'events, by user', url: () => `/api/v1/events?limit=50&userId=${userId}` },
      { name: 'events, by application', url: (i) => `/api/v1/events?limit=50&applicationId=app-${i % 12}` },
      { name: 'events, time window', url: (i) => `/api/v1/events?limit=50&from=${new Date(now - ((i % 20) + 2) * day).toISOString()}&to=${new Date(now - ((i % 20) + 1) * day).toISOString()}` },
      { name: 'events, type + user + window', url: () => `/api/v1/events?limit=50&type=user.&userId=${userId}&from=${new Date(now - 30 * day).toISOString()}` },
      { name: 'status (dashboard)', url: () => '/api/v1/status' },
      { name: 'logins chart, 24 h / 7 d / 30 d', url: (i) => `/api/v1/status/logins?range=${['24h', '7d', '30d'][i % 3]}` },
    ];

    for (const benchCase of cases) {
      for (let i = 0; i < WARMUP; i++) await get(benchCase.url(i));
      const times: number[] = [];
      for (let i = 0; i < REQUESTS; i++) times.push((await get(benchCase.url(i))).ms);
      times.sort((a, b) => a - b);
      const p95 = percentile(times, 0.95);
      rows.push([benchCase.name, percentile(times, 0.5).toFixed(1), p95.toFixed(1), times[times.length - 1]!.toFixed(1), p95 <= TARGET_P95_MS ? '✓' : '✗']);
      console.error(`${benchCase.name}: p95 ${p95.toFixed(1)} ms`);
    }
  } finally {
    await stop(child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  const table = ['| endpoint | p50 ms | p95 ms | max ms | p95 ≤ 50 ms |', '| --- | ---: | ---: | ---: | :---: |', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  console.log(table);
  if (failures > 0) throw new Error(`${failures} requests failed`);
  if (process.argv.includes('--record')) {
    const cpu = os.cpus();
    const section =
      `\n## bench/admin, ${new Date().toISOString().slice(0, 10)}\n\nMachine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB, node ${process.version}.\n\n` +
      `Data: ${USERS.toLocaleString('en')} users in ${Math.max(1, Math.floor(USERS / 1000))} groups, ${EVENTS.toLocaleString('en')} events (60% sign-ins, by and about seeded users, over ~23 days), 2,000 live sessions.\n\n${table}\n\n` +
      `Notes on this run:\n- \`gatehouse serve\` on a fresh data dir (embedded PostgreSQL as shipped), called over HTTP on loopback with an API token, ` +
      `${REQUESTS} requests per case one at a time after ${WARMUP} warm-up requests; latency is the client's, request sent to body parsed.\n` +
      `- Each case varies its parameters (search terms, cursors of pages 1–60, time windows) across requests.\n` +
      `- git ${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO }).toString().trim()}.\n`;
    fs.appendFileSync(path.join(REPO, 'bench', 'RESULTS.md'), section);
    console.error('recorded in bench/RESULTS.md');
  }
}

await main();
