// The backup verbs end to end through real `gatehouse` processes against a running `gatehouse serve` holding
// 100k users and 1M events: a round trip that restores every row (checksums of every table), a backup killed
// with SIGKILL that leaves no file that looks like a backup, a restore killed with SIGKILL that leaves the old
// data serving, and the refusals. Run `node server/build.mjs` first, or the processes load the sources through tsx.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableChecksums, type TableChecksums } from '../helpers/checksums.ts';
import { connectToDataDir, removeDataDir, REPO, startServe, tempDataDir, waitFor, type ExitInfo, type ServeProcess } from '../helpers/serve.ts';
import { readArchive } from '../../server/src/backup/archive.ts';
import { seedVolume } from '../../bench/seed.ts';

const BIN = path.join(REPO, 'bin', 'gatehouse.mjs');
const PASSPHRASE = 'a passphrase for the tests';

function gatehouse(args: string[], input?: string): { done: Promise<ExitInfo>; child: ReturnType<typeof spawn>; stderr(): string } {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('GATEHOUSE_') || key === 'DATABASE_URL') delete env[key];
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: { ...env, GATEHOUSE_LOG_LEVEL: 'warn' }, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  if (input !== undefined) child.stdin!.end(input);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<ExitInfo>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, ms: Date.now() - started, stdout, stderr })));
  return { done, child, stderr: () => stderr };
}

const run = (args: string[], input?: string) => gatehouse(args, input).done;


describe('gatehouse backup …, with 100k users and 1M events, while the server runs', () => {
  let dataDir: string;
  let server: ServeProcess;
  let client: pg.Client;
  let backupFile: string;
  let atBackup: TableChecksums;

  beforeAll(async () => {
    dataDir = tempDataDir('ghbk-');
    server = await startServe(dataDir);
    client = await connectToDataDir(dataDir);
    await seedVolume(client, { users: 100_000, events: 1_000_000 });
    backupFile = path.join(dataDir, 'exports', 'volume.ghbk');
  }, 300_000);

  afterAll(async () => {
    await client?.end();
    await server?.stop();
    removeDataDir(dataDir);
  });

  it('backup create writes the archive and reports rows and tables', async () => {
    atBackup = await tableChecksums(client);
    const result = await run(['backup', 'create', '--data', dataDir, '--out', backupFile, '--passphrase-stdin', '--json'], `${PASSPHRASE}\n`);
    expect(result.stderr.split('\n').filter((l) => /error/i.test(l))).toEqual([]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { file: string; rows: number; tables: number; bytes: number };
    expect(report.file).toBe(backupFile);
    expect(report.rows).toBeGreaterThan(1_100_000);
    expect(fs.statSync(backupFile).size).toBe(report.bytes);
    // Progress went to stderr, one line per phase at least.
    expect(result.stderr).toMatch(/tables/);
    const again = await run(['backup', 'create', '--data', dataDir, '--out', backupFile, '--passphrase-stdin'], `${PASSPHRASE}\n`);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
  }, 300_000);

  it('backup list shows it, with its date, without the passphrase', async () => {
    const made = await run(['backup', 'create', '--data', dataDir, '--passphrase-stdin'], `${PASSPHRASE}\n`);
    expect(made.code).toBe(0);
    const listed = await run(['backup', 'list', '--data', dataDir, '--json']);
    expect(listed.code).toBe(0);
    const { files } = JSON.parse(listed.stdout) as { files: Array<{ name: string; created_at: string; problem: string | null }> };
    expect(files.length).toBe(1);
    expect(files[0]!.name).toMatch(/^gatehouse-\d{8}-\d{6}\.ghbk$/);
    expect(files[0]!.problem).toBeNull();
  }, 300_000);

  it('backup verify restores it into a scratch schema and finds every table matching', async () => {
    const result = await run(['backup', 'verify', backupFile, '--data', dataDir, '--passphrase-stdin', '--json'], `${PASSPHRASE}\n`);
    expect(result.stderr.split('\n').filter((l) => /error/i.test(l))).toEqual([]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { tables: Array<{ name: string; rows: number; matches: boolean }> };
    expect(report.tables.every((t) => t.matches)).toBe(true);
    expect(report.tables.find((t) => t.name === 'events')!.rows).toBe(1_000_000);
  }, 300_000);

  it('a restore killed with SIGKILL while loading leaves the old data serving, and nothing behind', async () => {
    await client.query(`DELETE FROM users WHERE username IN ('seed1', 'seed2', 'seed3')`);
    const beforeKill = await tableChecksums(client);
    const restore = gatehouse(['backup', 'restore', backupFile, '--data', dataDir, '--passphrase-stdin'], `${PASSPHRASE}\n`);
    await waitFor(() => /loading/.test(restore.stderr()), 240_000, 'the restore to start loading');
    restore.child.kill('SIGKILL');
    await restore.done;
    // PostgreSQL rolls the restore's transaction back when its connection drops.
    await waitFor(async () => (await client.query(`SELECT 1 FROM pg_namespace WHERE nspname LIKE 'gatehouse_restore_%'`)).rows.length === 0, 30_000, 'the restore schema to be rolled back');
    expect(await tableChecksums(client)).toEqual(beforeKill);
    const ready = await fetch(`${server.ready.url}/readyz`);
    expect(ready.status).toBe(200);
  }, 300_000);

  it('backup restore brings back every row of every table, while the server keeps serving', async () => {
    await client.query(`INSERT INTO events (type, actor) VALUES ('test.after_backup', 'test')`);
    const result = await run(['backup', 'restore', backupFile, '--data', dataDir, '--passphrase-stdin'], `${PASSPHRASE}\n`);
    expect(result.stderr.split('\n').filter((l) => /error/i.test(l))).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Restored the backup/);
    const after = await tableChecksums(client);
    // The restore writes its own event after the swap; every other table is exactly as it was at the backup.
    const { events: _eventsAfter, ...restAfter } = after;
    const { events: _eventsAtBackup, ...restAtBackup } = atBackup;
    expect(restAfter).toEqual(restAtBackup);
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM events WHERE type <> 'backup.restored'`);
    expect(Number(rows[0]!.n)).toBe(1_000_000);
    const { rows: gone } = await client.query(`SELECT 1 FROM events WHERE type = 'test.after_backup'`);
    expect(gone).toEqual([]);
    const ready = await fetch(`${server.ready.url}/readyz`);
    expect(ready.status).toBe(200);
  }, 300_000);

  it('a backup killed with SIGKILL leaves no file that looks like a backup', async () => {
    const target = path.join(dataDir, 'exports', 'killed.ghbk');
    const backup = gatehouse(['backup', 'create', '--data', dataDir, '--out', target, '--passphrase-stdin'], `${PASSPHRASE}\n`);
    await waitFor(() => /tables/.test(backup.stderr()), 120_000, 'the backup to start copying tables');
    await new Promise((r) => setTimeout(r, 300));
    backup.child.kill('SIGKILL');
    await backup.done;
    expect(fs.existsSync(target)).toBe(false);
    // What is left is a hidden partial file, which does not read as a backup.
    const leftovers = fs.readdirSync(path.dirname(target)).filter((name) => name.includes('killed'));
    for (const name of leftovers) {
      expect(name.startsWith('.')).toBe(true);
      const reading = (async () => {
        for await (const _event of readArchive(fs.createReadStream(path.join(path.dirname(target), name)), PASSPHRASE)) {
          // read to the end
        }
      })();
      await expect(reading).rejects.toMatchObject({ code: expect.stringMatching(/^backup_(truncated|not_an_archive)$/) });
    }
    const listed = await run(['backup', 'list', '--data', dataDir, '--json']);
    expect((JSON.parse(listed.stdout) as { files: Array<{ name: string }> }).files.map((f) => f.name)).not.toContain('killed.ghbk');
  }, 300_000);

  it('refuses a wrong passphrase, a weak one, a missing one, and extra arguments', async () => {
    const wrong = await run(['backup', 'restore', backupFile, '--data', dataDir, '--passphrase-stdin'], 'not the right passphrase\n');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/passphrase does not open this backup/i);
    const weak = await run(['backup', 'create', '--data', dataDir, '--passphrase-stdin'], 'short\n');
    expect(weak.code).toBe(2);
    expect(weak.stderr).toMatch(/at least 12 characters/);
    const missing = await run(['backup', 'create', '--data', dataDir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--passphrase-stdin/);
    const extra = await run(['backup', 'restore', backupFile, 'another', '--data', dataDir, '--passphrase-stdin'], `${PASSPHRASE}\n`);
    expect(extra.code).toBe(2);
    const absent = await run(['backup', 'verify', path.join(dataDir, 'nope.ghbk'), '--data', dataDir, '--passphrase-stdin'], `${PASSPHRASE}\n`);
    expect(absent.code).toBe(1);
    expect(absent.stderr).toMatch(/There is no file/);
  }, 120_000);

  it('config export and import round-trip through files; a second import changes nothing; a bad one names the place', async () => {
    const file = path.join(dataDir, 'exports', 'config.yaml');
    const exported = await run(['config', 'export', '--data', dataDir, '--out', file]);
    expect(exported.code).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toMatch(/kind: gatehouse\/config\/v1/);
    const imported = await run(['config', 'import', file, '--data', dataDir, '--json']);
    expect(imported.code).toBe(0);
    const report = JSON.parse(imported.stdout) as { changes: Array<{ action: string }> };
    expect(report.changes.length).toBeGreaterThan(0);
    expect(report.changes.every((c) => c.action === 'unchanged')).toBe(true);
    fs.writeFileSync(file, 'kind: gatehouse/config/v1\ngroups:\n  - name: "bad/name"\n');
    const bad = await run(['config', 'import', file, '--data', dataDir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/groups\[0\]\.name/);
  }, 120_000);

  it('every backup and config verb has --help', async () => {
    for (const verb of ['backup create', 'backup restore', 'backup verify', 'backup list', 'config export', 'config import']) {
      const help = await run([...verb.split(' '), '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`gatehouse ${verb}`));
    }
  });
});
