// OIDC benchmark: client-credentials tokens/s and introspections/s with autocannon, against a real Gatehouse
// (gatehouse serve on a fresh data dir: embedded PostgreSQL as shipped, fsync and synchronous_commit on) and,
// in the same run, against the reference: oidc-provider alone with its in-memory adapter (reference.ts).
//   node --import tsx bench/oidc/run.ts [--record] [--seconds N] [--connections N]
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { REPO, startChild, stop } from './child.ts';

const BIN = path.join(REPO, 'bin', 'gatehouse.mjs');
const option = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = option('seconds', 10);
const CONNECTIONS = option('connections', 16);
const WARMUP_SECONDS = 3;

interface Target {
  name: string;
  url: string;
  clientId: string;
  clientSecret: string;
}


function basic(target: Target): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(target.clientId)}:${encodeURIComponent(target.clientSecret)}`).toString('base64')}`;
}

const FORM = 'application/x-www-form-urlencoded';

async function clientCredentialsToken(target: Target): Promise<string> {
  const response = await fetch(`${target.url}/oidc/token`, { method: 'POST', headers: { authorization: basic(target), 'content-type': FORM }, body: 'grant_type=client_credentials' });
  if (response.status !== 200) throw new Error(`${target.name}: token endpoint answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** Requests per second over `seconds`, after a warm-up; every answer must be a 200. */
async function load(target: Target, what: 'token' | 'introspection', token?: string): Promise<{ perSecond: number; p99: number }> {
  const request =
    what === 'token'
      ? { url: `${target.url}/oidc/token`, body: 'grant_type=client_credentials' }
      : { url: `${target.url}/oidc/token/introspection`, body: `token=${token}` };
  const options = { ...request, method: 'POST' as const, headers: { authorization: basic(target), 'content-type': FORM }, connections: CONNECTIONS };
  await autocannon({ ...options, duration: WARMUP_SECONDS });
  const result = await autocannon({ ...options, duration: SECONDS });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${target.name} ${what}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return { perSecond: result.requests.total / SECONDS, p99: result.latency.p99 };
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-bench-'));
  const gatehouseProcess = await startChild([BIN, 'serve', '--data', dataDir, '--port', '0', '--json'], (line) => line.event === 'ready');
  const reference = await startChild(['--import', 'tsx', path.join(REPO, 'bench', 'oidc', 'reference.ts')], (line) => typeof line.url === 'string');
  try {
    const added = await promisify(execFile)(process.execPath, [BIN, 'app', 'add-oidc', 'bench', '--grant-type', 'client_credentials', '--json', '--data', dataDir], { cwd: REPO });
    const app = JSON.parse(added.stdout) as { client_id: string; client_secret: string };
    const targets: Target[] = [
      { name: 'Gatehouse', url: String(gatehouseProcess.line.url), clientId: app.client_id, clientSecret: app.client_secret },
      { name: 'reference', url: String(reference.line.url), clientId: String(reference.line.clientId), clientSecret: String(reference.line.clientSecret) },
    ];
    const figures: Record<string, { token: { perSecond: number; p99: number }; introspection: { perSecond: number; p99: number } }> = {};
    // Interleaved, so that both see the same machine.
    for (const target of targets) figures[target.name] = { token: await load(target, 'token'), introspection: { perSecond: 0, p99: 0 } };
    for (const target of targets) figures[target.name]!.introspection = await load(target, 'introspection', await clientCredentialsToken(target));

    const g = figures.Gatehouse!;
    const r = figures.reference!;
    const n = (value: number) => Math.round(value).toLocaleString('en');
    const rows: Array<[string, string, string, string]> = [
      ['client-credentials tokens/s', n(g.token.perSecond), n(r.token.perSecond), `≥ 0.7 × reference: ${(g.token.perSecond / r.token.perSecond).toFixed(2)} ×`],
      ['client-credentials p99 latency', `${g.token.p99} ms`, `${r.token.p99} ms`, '—'],
      ['introspections/s', n(g.introspection.perSecond), n(r.introspection.perSecond), `≥ 5,000`],
      ['introspection p99 latency', `${g.introspection.p99} ms`, `${r.introspection.p99} ms`, '—'],
      ['full password logins/s (authorize → login → code → token)', 'see bench/oidc/logins.ts', '—', '≥ 0.8 × hash ceiling'],
    ];
    for (const [name, gatehouse, ref, target] of rows) console.log(`${name.padEnd(58)} ${gatehouse.padStart(16)} ${ref.padStart(12)}   (${target})`);

    if (process.argv.includes('--record')) {
      const file = path.join(REPO, 'bench', 'RESULTS.md');
      const section = [
        `\n## bench/oidc, ${new Date().toISOString().slice(0, 10)}`,
        '',
        `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${os.userInfo().username === 'root' ? 'as root' : 'as a user'}.`,
        `autocannon: ${CONNECTIONS} connections, ${SECONDS} s per figure after ${WARMUP_SECONDS} s of warm-up, in this process.`,
        '',
        '| measure | Gatehouse | reference | target |',
        '| --- | ---: | ---: | --- |',
        ...rows.map(([name, gatehouse, ref, target]) => `| ${name} | ${gatehouse} | ${ref} | ${target} |`),
        '',
        'Notes on this run:',
        '- Gatehouse: `gatehouse serve` on a fresh data dir (embedded PostgreSQL as shipped: fsync and synchronous_commit on;',
        '  the default connection budget, 5 pool connections), log level warn; the client registered with',
        '  `gatehouse app add-oidc bench --grant-type client_credentials`. Its client-credentials tokens are saved with an',
        '  asynchronous commit, and saves that arrive while others are in flight share one INSERT (adapter.ts).',
        '- Reference: oidc-provider alone with its in-memory adapter and a static client, the same routes, token',
        '  lifetimes, opaque tokens and introspection policy, served by node:http (bench/oidc/reference.ts).',
        '- Introspection in Gatehouse is its own Fastify route (server/src/providers/oidc/introspection.ts) using',
        "  oidc-provider's token models: through oidc-provider's own endpoint, Gatehouse measured 3,662/s (2026-11-28).",
        '- Both servers, PostgreSQL and autocannon share the same 2 cores: figures vary by 10–20% between runs.',
        '',
      ].join('\n');
      fs.appendFileSync(file, section);
      console.log(`\nrecorded in ${path.relative(REPO, file)}`);
    }
  } finally {
    await stop(reference.child);
    await stop(gatehouseProcess.child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
