// Crash recovery without a person: kill -9 of the server, of PostgreSQL, or of both.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectToDataDir, postgresProcessesOf, removeDataDir, startServe, tempDataDir, waitFor } from '../helpers/serve.ts';
import { readPostmasterPid } from '../../server/src/postgres/stale.ts';
import { isProcessAlive } from '../../server/src/appliance/processes.ts';

let dataDir: string;
let expectedRows = 0;

async function commitRows(count: number): Promise<void> {
  const client = await connectToDataDir(dataDir);
  try {
    await client.query('CREATE TABLE IF NOT EXISTS crash_rows (n int)');
    await client.query('INSERT INTO crash_rows SELECT generate_series(1, $1::int)', [count]);
    expectedRows += count;
  } finally {
    await client.end();
  }
}

async function countRows(): Promise<number> {
  const client = await connectToDataDir(dataDir);
  try {
    return (await client.query('SELECT count(*)::int AS n FROM crash_rows')).rows[0].n;
  } finally {
    await client.end();
  }
}

function postmasterPid(): number {
  const pid = readPostmasterPid(path.join(dataDir, 'postgres'));
  if (pid === null) throw new Error('no postmaster.pid');
  return pid;
}

beforeAll(async () => {
  dataDir = tempDataDir();
  const first = await startServe(dataDir);
  await commitRows(100);
  await first.stop();
});
afterAll(() => removeDataDir(dataDir));

describe('after kill -9', () => {
  it('of the server, the next start stops the PostgreSQL it left behind and keeps every committed row', async () => {
    const server = await startServe(dataDir);
    await commitRows(50);
    const orphan = postmasterPid();
    server.child.kill('SIGKILL');
    await server.exited;
    expect(isProcessAlive(orphan)).toBe(true); // PostgreSQL outlived its server

    const next = await startServe(dataDir);
    try {
      expect(isProcessAlive(orphan)).toBe(false);
      expect(postmasterPid()).not.toBe(orphan);
      expect(await countRows()).toBe(expectedRows);
      expect(next.output().stderr).toContain('left running by an earlier Gatehouse');
    } finally {
      await next.stop();
    }
  });

  it('of PostgreSQL, the running server restarts it and becomes ready again', async () => {
    const server = await startServe(dataDir);
    try {
      await commitRows(25);
      const first = postmasterPid();
      process.kill(first, 'SIGKILL');
      await waitFor(async () => {
        const response = await fetch(`${server.ready.url}/readyz`).catch(() => null);
        return response?.status === 200 && postmasterPid() !== first;
      }, 30_000, 'the server to restart PostgreSQL and report ready');
      expect(await countRows()).toBe(expectedRows);
    } finally {
      expect((await server.stop()).code).toBe(0);
    }
  });

  it('of both, with a backend stuck holding shared memory, the next start ends the orphan and comes up', async () => {
    const server = await startServe(dataDir);
    await commitRows(10);
    const postmaster = postmasterPid();
    const children = postgresProcessesOf(dataDir).filter((pid) => pid !== postmaster);
    expect(children.length).toBeGreaterThan(0);
    // A stopped backend cannot notice its postmaster died, so it stays attached to the old shared memory.
    const stuck = children[0]!;
    process.kill(stuck, 'SIGSTOP');
    server.child.kill('SIGKILL');
    process.kill(postmaster, 'SIGKILL');
    await server.exited;

    const next = await startServe(dataDir);
    try {
      expect(isProcessAlive(stuck)).toBe(false);
      expect(await countRows()).toBe(expectedRows);
    } finally {
      await next.stop();
    }
  });
});

describe('a stale postmaster.pid', () => {
  it('naming a pid reused by another program is recognised as stale, and that program is left alone', async () => {
    const server = await startServe(dataDir);
    const postmaster = postmasterPid();
    server.child.kill('SIGKILL');
    await server.exited;
    process.kill(postmaster, 'SIGKILL');
    await waitFor(() => postgresProcessesOf(dataDir).length === 0, 10_000, 'postgres to exit');

    const bystander = spawn('sleep', ['120'], { stdio: 'ignore' });
    const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
    const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
    lines[0] = String(bystander.pid);
    fs.writeFileSync(pidFile, lines.join('\n'));

    const next = await startServe(dataDir);
    try {
      expect(isProcessAlive(bystander.pid!)).toBe(true);
      expect(await countRows()).toBe(expectedRows);
    } finally {
      await next.stop();
      bystander.kill('SIGKILL');
    }
  });
});
