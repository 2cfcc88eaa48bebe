// Platform benchmark: one run prints every figure issue #2 names, and `--record` appends them to bench/RESULTS.md.
//   npm run bench:platform [-- --record]
// It starts a real appliance (gatehouse serve on a fresh data dir) for the start-up and memory figures,
// then drives the platform's parts in this process against that appliance's PostgreSQL.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { pino } from 'pino';
import { Bus } from '../../server/src/platform/bus.ts';
import { Cache } from '../../server/src/platform/cache.ts';
import { LockManager } from '../../server/src/platform/locks.ts';
import { JobRunner } from '../../server/src/platform/jobs.ts';
import { DirectConnections } from '../../server/src/postgres/budget.ts';
import { createPool } from '../../server/src/db/pool.ts';
import { clusterProcesses } from '../../server/src/postgres/stale.ts';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const logger = pino({ level: 'warn' });
const results: Array<[string, string, string]> = [];

function record(name: string, value: string, target: string): void {
  results.push([name, value, target]);
  console.log(`${name.padEnd(40)} ${value.padStart(14)}   (target ${target})`);
}

function startAppliance(dataDir: string): Promise<{ child: ChildProcess; ms: number; startupMs: number; url: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(REPO, 'bin', 'gatehouse.mjs'), 'serve', '--data', dataDir, '--port', '0', '--json'], {
    cwd: REPO,
    env: { ...process.env, GATEHOUSE_LOG_LEVEL: process.env.GATEHOUSE_LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.includes('"event":"ready"'));
      if (line) {
        const ready = JSON.parse(line) as { startupMs: number; url: string };
        resolve({ child, ms: performance.now() - started, startupMs: ready.startupMs, url: ready.url });
      }
    });
    child.on('exit', (code) => reject(new Error(`gatehouse serve exited with ${code}: ${out}`)));
  });
}

async function stopAppliance(child: ChildProcess): Promise<number> {
  const started = performance.now();
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  return performance.now() - started;
}

/** Resident memory of a process tree, in MiB: RSS (counts shared pages in every process) and PSS (shares them out). */
function memoryOf(pids: number[]): { rss: number; pss: number } {
  let rss = 0;
  let pss = 0;
  for (const pid of pids) {
    try {
      const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      rss += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      pss += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
    } catch {
      // exited meanwhile
    }
  }
  return { rss: rss / 1024, pss: pss / 1024 };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-bench-'));
  console.log(`Gatehouse platform benchmark, ${new Date().toISOString()}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}\n`);

  // Start-up: empty data dir (initdb, migrations) and warm start.
  const first = await startAppliance(dataDir);
  record('first run → ready (wall, incl. node)', `${first.ms.toFixed(0)} ms`, '≤ 5000 ms');
  record('first run → ready (server reported)', `${first.startupMs} ms`, '≤ 5000 ms');
  const stopMs = await stopAppliance(first.child);
  record('SIGTERM → exit', `${stopMs.toFixed(0)} ms`, '≤ 10000 ms');
  const warm = await startAppliance(dataDir);
  record('warm start → ready (wall, incl. node)', `${warm.ms.toFixed(0)} ms`, '≤ 2000 ms');
  record('warm start → ready (server reported)', `${warm.startupMs} ms`, '≤ 2000 ms');

  // Idle memory: past the pool's 30 s idle timeout, so the appliance is at rest; the server and every postgres process.
  await new Promise((r) => setTimeout(r, 35_000));
  const pids = [warm.child.pid!, ...clusterProcesses(path.join(dataDir, 'postgres'))];
  const idle = memoryOf(pids);
  record(`idle RSS, whole appliance (${pids.length} processes)`, `${idle.rss.toFixed(0)} MiB`, '≤ 250 MB');
  record('idle PSS, whole appliance', `${idle.pss.toFixed(0)} MiB`, '≤ 250 MB');

  // The platform's parts, in this process, on the appliance's PostgreSQL.
  const password = fs.readFileSync(path.join(dataDir, 'secrets', 'postgres-password'), 'utf8').trim();
  const target: pg.ClientConfig = { host: dataDir, port: 5432, user: 'gatehouse', password, database: 'gatehouse' };
  const pool = createPool(target, { role: 'bench', instanceId: 'bench', max: 10 });
  const directA = new DirectConnections(target, 'bench-a');
  const directB = new DirectConnections(target, 'bench-b');

  // Bus round trip: B publishes, A (another connection) receives.
  const busA = new Bus({ pool, connect: () => directA.connect('bus'), logger, instanceId: 'bench-a' });
  const busB = new Bus({ pool, connect: () => directB.connect('bus'), logger, instanceId: 'bench-b' });
  await busA.start();
  await busB.start();
  let resolveReceipt: (() => void) | null = null;
  busA.subscribe('bench.roundtrip', () => resolveReceipt?.());
  await busA.whenSubscribed();
  const latencies: number[] = [];
  for (let i = 0; i < 2_000; i++) {
    const received = new Promise<void>((r) => (resolveReceipt = r));
    const started = performance.now();
    await busB.publish('bench.roundtrip', { i });
    await received;
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  record('bus round trip p50', `${percentile(latencies, 50).toFixed(2)} ms`, '—');
  record('bus round trip p99', `${percentile(latencies, 99).toFixed(2)} ms`, '≤ 5 ms');

  // Cache: LRU hits, and table hits with the LRU off.
  const cache = new Cache({ pool, bus: busA, logger, lruMaxEntries: 1_000, instanceId: 'bench-a' });
  cache.start();
  await cache.set('bench:key', { user: 'alice', groups: ['admins', 'staff'] }, 600);
  await cache.get('bench:key');
  let started = performance.now();
  const lruReads = 200_000;
  for (let i = 0; i < lruReads; i++) await cache.get('bench:key');
  record('cache get/s, LRU hit', `${Math.round(lruReads / ((performance.now() - started) / 1000)).toLocaleString('en')}`, '—');
  const tableCache = new Cache({ pool, bus: busA, logger, lruMaxEntries: 0, instanceId: 'bench-a' });
  tableCache.start();
  const tableReads = 5_000;
  started = performance.now();
  await Promise.all(Array.from({ length: 8 }, async () => {
    for (let i = 0; i < tableReads / 8; i++) await tableCache.get('bench:key');
  }));
  record('cache get/s, table hit (8 parallel)', `${Math.round(tableReads / ((performance.now() - started) / 1000)).toLocaleString('en')}`, '—');
  cache.stop();
  tableCache.stop();

  // Locks: acquire + release on the dedicated lock connection.
  const locks = new LockManager(() => directA.connect('locks'), logger);
  const lockRounds = 3_000;
  started = performance.now();
  for (let i = 0; i < lockRounds; i++) {
    const handle = await locks.tryAcquire(`bench:lock:${i % 10}`);
    await handle!.release();
  }
  record('lock acquire+release/s', `${Math.round(lockRounds / ((performance.now() - started) / 1000)).toLocaleString('en')}`, '—');
  await locks.close();

  // Jobs end to end: enqueue N, until the last one has run; once added one by one, once in batches of 100.
  const jobCount = 5_000;
  let done = 0;
  let allDone: () => void = () => undefined;
  // As in the appliance: the default jobs.concurrency, and graphile-worker on its own pool with synchronous_commit off.
  const workerPool = createPool(target, { role: 'bench-jobs', instanceId: 'bench', max: 5, settings: { synchronous_commit: 'off' } });
  const jobs = new JobRunner({ pool, workerPool, logger, concurrency: 4 });
  jobs.define({ name: 'bench:noop', handler: async () => void (++done === jobCount && allDone()) });
  await jobs.start();
  for (const mode of ['one by one', 'batches of 100'] as const) {
    done = 0;
    const finished = new Promise<void>((r) => (allDone = r));
    started = performance.now();
    if (mode === 'one by one') {
      // Four enqueuers leave the pool's other connections to the four workers and the queue's listener.
      await Promise.all(Array.from({ length: 4 }, async (_, worker) => {
        for (let i = worker; i < jobCount; i += 4) await jobs.add('bench:noop', { i });
      }));
    } else {
      for (let i = 0; i < jobCount; i += 100) await jobs.addMany('bench:noop', Array.from({ length: 100 }, (_, j) => ({ i: i + j })));
    }
    await finished;
    record(`jobs/s end to end, added ${mode}`, `${Math.round(jobCount / ((performance.now() - started) / 1000)).toLocaleString('en')}`, '≥ 1000');
  }
  await jobs.stop();
  await workerPool.end();

  await busA.close();
  await busB.close();
  await pool.end();
  await stopAppliance(warm.child);
  if (process.argv.includes('--keep')) console.log(`kept the data dir ${dataDir}`);
  else fs.rmSync(dataDir, { recursive: true, force: true });

  if (process.argv.includes('--record')) {
    const file = path.join(REPO, 'bench', 'RESULTS.md');
    const header = fs.existsSync(file) ? '' : '# Benchmark results\n\nEach section is one run of a script in bench/, newest last.\n';
    const section = [
      `\n## bench/platform, ${new Date().toISOString().slice(0, 10)}`,
      '',
      `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${os.userInfo().username === 'root' ? 'as root' : 'as a user'}.`,
      '',
      '| measure | result | target |',
      '| --- | ---: | --- |',
      ...results.map(([name, value, target]) => `| ${name} | ${value} | ${target} |`),
      '',
    ].join('\n');
    fs.appendFileSync(file, header + section);
    console.log(`\nrecorded in ${path.relative(REPO, file)}`);
  }
}

await main();
