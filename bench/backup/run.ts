// Backup benchmark: backup and restore time, archive size and peak RSS growth at 100k users / 1M events, on a
// real `gatehouse serve` (embedded PostgreSQL as shipped). Backup and restore run in this process, through the same
// code the server and the CLI use, so RSS is sampled here (every 20 ms, against the baseline just before each run).
//   node --import tsx bench/backup/run.ts [--users N] [--events N] [--record]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { openCliDatabase } from '../../server/src/appliance/cli-database.ts';
import { verbTarget } from '../../server/src/appliance/verb.ts';
import { createBackup } from '../../server/src/backup/snapshot.ts';
import { restoreBackup } from '../../server/src/backup/restore.ts';
import { seedVolume } from '../seed.ts';
import { REPO, startChild, stop } from '../oidc/child.ts';

const option = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const USERS = option('users', 100_000);
const EVENTS = option('events', 1_000_000);
const PASSPHRASE = 'benchmark passphrase, long enough';
const MiB = 1024 * 1024;

/** Runs work while sampling this process's RSS; returns its result, the time, and the peak growth over the baseline. */
async function measured<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; peakGrowthMiB: number; baselineMiB: number }> {
  globalThis.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, ms: performance.now() - started, peakGrowthMiB: (peak - baseline) / MiB, baselineMiB: baseline / MiB };
  } finally {
    clearInterval(sampler);
  }
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ghb-'));
  const { child } = await startChild([path.join(REPO, 'bin', 'gatehouse.mjs'), 'serve', '--data', dataDir, '--json', '--port', '0'], (line) => line.event === 'ready');
  const rows: Array<[string, string, string]> = [];
  try {
    const db = await openCliDatabase(dataDir, verbTarget({ data: dataDir }).config);
    const seedStarted = performance.now();
    await seedVolume(db.pool, { users: USERS, events: EVENTS });
    await db.pool.query('VACUUM ANALYZE');
    console.error(`seeded ${USERS} users and ${EVENTS} events in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
    const { rows: size } = await db.pool.query<{ bytes: string }>('SELECT pg_database_size(current_database()) AS bytes');

    const results: Record<string, { backupMs: number; tableMiB: number; archiveMiB: number; backupGrowth: number; restoreMs: number; restoreGrowth: number }> = {};
    for (const compression of ['deflate-raw', 'none'] as const) {
      const file = path.join(dataDir, `bench-${compression}.ghbk`);
      const backup = await measured(() => createBackup({ pool: db.pool, secrets: db.secrets, dataDir }, { file, passphrase: PASSPHRASE, compression }));
      const restore = await measured(() => restoreBackup({ pool: db.pool, secrets: db.secrets, dataDir, instanceId: 'bench' }, { file, passphrase: PASSPHRASE }));
      results[compression] = {
        backupMs: backup.ms,
        tableMiB: backup.result.manifest.totals.tableBytes / MiB,
        archiveMiB: backup.result.bytes / MiB,
        backupGrowth: backup.peakGrowthMiB,
        restoreMs: restore.ms,
        restoreGrowth: restore.peakGrowthMiB,
      };
      console.error(`${compression}: backup ${(backup.ms / 1000).toFixed(1)} s, restore ${(restore.ms / 1000).toFixed(1)} s`);
      fs.rmSync(file);
    }
    await db.close();

    const main = results['deflate-raw']!;
    const plain = results.none!;
    rows.push(['data set', `${USERS.toLocaleString('en')} users (in groups), ${EVENTS.toLocaleString('en')} events; database ${(Number(size[0]!.bytes) / MiB).toFixed(0)} MiB, COPY text ${main.tableMiB.toFixed(0)} MiB`, '—']);
    rows.push(['backup time (default: deflate)', `${(main.backupMs / 1000).toFixed(1)} s`, '—']);
    rows.push(['backup throughput, table data (default: deflate)', `${(main.tableMiB / (main.backupMs / 1000)).toFixed(0)} MiB/s`, '≥ 50 MB/s']);
    rows.push(['backup throughput, table data (compression off)', `${(plain.tableMiB / (plain.backupMs / 1000)).toFixed(0)} MiB/s`, '≥ 50 MB/s']);
    rows.push(['archive size (deflate / off)', `${main.archiveMiB.toFixed(1)} MiB / ${plain.archiveMiB.toFixed(1)} MiB`, '—']);
    rows.push(['restore time, verify + load + checks + swap (deflate / off)', `${(main.restoreMs / 1000).toFixed(1)} s / ${(plain.restoreMs / 1000).toFixed(1)} s`, '≤ 60 s']);
    rows.push(['peak RSS growth during backup (deflate / off)', `${main.backupGrowth.toFixed(0)} MiB / ${plain.backupGrowth.toFixed(0)} MiB`, '≤ 100 MB']);
    rows.push(['peak RSS growth during restore (deflate / off)', `${main.restoreGrowth.toFixed(0)} MiB / ${plain.restoreGrowth.toFixed(0)} MiB`, '≤ 100 MB']);
  } finally {
    await stop(child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  const table = ['| measure | result | target |', '| --- | ---: | --- |', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  console.log(table);
  if (process.argv.includes('--record')) {
    const cpu = os.cpus();
    const section = `\n## bench/backup, ${new Date().toISOString().slice(0, 10)}\n\nMachine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB, node ${process.version}.\n\n${table}\n\nNotes on this run:\n- \`gatehouse serve\` on a fresh data dir (embedded PostgreSQL as shipped); backup and restore run in the benchmark process\n  through the server's own code (createBackup, restoreBackup), over the server's unix socket, while the server runs.\n- Restore reads the whole archive twice: once to check every chunk and checksum before touching anything, once to load.\n- RSS growth is this process's peak RSS during the run minus its RSS just before (the argon2id key derivation's\n  64 MiB included), sampled every 20 ms.\n- git ${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO }).toString().trim()}.\n`;
    fs.appendFileSync(path.join(REPO, 'bench', 'RESULTS.md'), section);
    console.error('recorded in bench/RESULTS.md');
  }
}

await main();
