// Runs real `gatehouse serve` processes for integration tests.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { ReadyInfo } from '../../server/src/appliance/serve.ts';
import { clusterProcesses } from '../../server/src/postgres/stale.ts';

export const REPO = path.resolve(import.meta.dirname, '..', '..');
const BIN = path.join(REPO, 'bin', 'gatehouse.mjs');

export interface ServeProcess {
  child: ChildProcess;
  ready: ReadyInfo;
  output(): { stdout: string; stderr: string };
  /** Sends a signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<ExitInfo>;
  exited: Promise<ExitInfo>;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
  stdout: string;
  stderr: string;
}

export function tempDataDir(prefix = 'gh-'): string {
  // Short: PostgreSQL's socket path inside it must fit in 107 bytes.
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Runs `gatehouse <args>` to completion. */
export function runGatehouse(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ExitInfo> {
  const child = spawnGatehouse(args, options.env);
  return waitForExit(child, collect(child), options.timeoutMs ?? 60_000);
}

/** Starts `gatehouse serve --json --port 0 …` and resolves on its ready line; rejects with its output if it exits first. */
export async function startServe(dataDir: string, options: { args?: string[]; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ServeProcess> {
  const child = spawnGatehouse(['serve', '--data', dataDir, '--json', '--port', '0', ...(options.args ?? [])], options.env);
  const out = collect(child);
  const exited = waitForExit(child, out, 10 * 60_000);
  const ready = await new Promise<ReadyInfo>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line within ${options.timeoutMs ?? 60_000} ms\n${out.stderr}`)), options.timeoutMs ?? 60_000);
    const onLine = () => {
      for (const line of out.stdout.split('\n')) {
        if (!line.startsWith('{')) continue;
        const parsed = JSON.parse(line) as { event: string };
        if (parsed.event === 'ready') {
          clearTimeout(timer);
          resolve(parsed as ReadyInfo);
          return;
        }
      }
    };
    child.stdout!.on('data', onLine);
    void exited.then((info) => {
      clearTimeout(timer);
      reject(new Error(`gatehouse serve exited (${info.code ?? info.signal}) before it was ready\nstdout: ${info.stdout}\nstderr: ${info.stderr.slice(-4000)}`));
    });
  });
  return {
    child,
    ready,
    exited,
    output: () => ({ stdout: out.stdout, stderr: out.stderr }),
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      child.kill(signal);
      return exited;
    },
  };
}

function spawnGatehouse(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const cleanEnv = { ...process.env };
  for (const key of Object.keys(cleanEnv)) if (key.startsWith('GATEHOUSE_') || key === 'DATABASE_URL') delete cleanEnv[key];
  return spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: { ...cleanEnv, GATEHOUSE_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function collect(child: ChildProcess): { stdout: string; stderr: string } {
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out.stderr += d.toString()));
  return out;
}

function waitForExit(child: ChildProcess, out: { stdout: string; stderr: string }, timeoutMs: number): Promise<ExitInfo> {
  const started = Date.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ms: Date.now() - started, stdout: out.stdout, stderr: out.stderr });
    });
  });
}

/** A client on the embedded cluster of a data dir, through its unix socket. */
export async function connectToDataDir(dataDir: string, database = 'gatehouse'): Promise<pg.Client> {
  const password = fs.readFileSync(path.join(dataDir, 'secrets', 'postgres-password'), 'utf8').trim();
  const client = new pg.Client({ host: dataDir, port: 5432, user: 'gatehouse', password, database });
  await client.connect();
  return client;
}

export function postgresProcessesOf(dataDir: string): number[] {
  return clusterProcesses(path.join(dataDir, 'postgres'));
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export function removeDataDir(dataDir: string): void {
  for (const pid of postgresProcessesOf(dataDir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
}
