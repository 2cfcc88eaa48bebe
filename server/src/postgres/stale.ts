// Recovery after a crash: a postmaster.pid whose pid is dead or belongs to another program,
// a postmaster that outlived its Gatehouse, and backends orphaned by a killed postmaster.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { isProcessAlive, listPids, processCwd, processExecutable, processState, procfsAvailable } from '../appliance/processes.ts';

export interface StaleRecoveryResult {
  stoppedPostmaster: number | null;
  removedPidFile: boolean;
  killedOrphans: number[];
}

/** Pid recorded on the first line of postmaster.pid, or null. */
export function readPostmasterPid(pgDataDir: string): number | null {
  return readLockFilePid(path.join(pgDataDir, 'postmaster.pid'));
}

/** A process belongs to this cluster when it runs a postgres binary with the cluster's data dir as its working dir. */
export function isClusterProcess(pid: number, pgDataDir: string): boolean {
  const exe = processExecutable(pid);
  const cwd = processCwd(pid);
  if (exe === null || cwd === null) return false;
  return path.basename(exe.replace(/ \(deleted\)$/, '')) === 'postgres' && path.resolve(cwd) === path.resolve(pgDataDir);
}

export function clusterProcesses(pgDataDir: string): number[] {
  return listPids().filter((pid) => pid !== process.pid && isClusterProcess(pid, pgDataDir));
}

/** Pid on the first line of a PostgreSQL lock file (postmaster.pid, .s.PGSQL.<port>.lock), or null. */
export function readLockFilePid(file: string): number | null {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

export async function recoverStaleCluster(pgDataDir: string, socketLockFile: string, logger: Logger, stopTimeoutMs: number): Promise<StaleRecoveryResult> {
  const result: StaleRecoveryResult = { stoppedPostmaster: null, removedPidFile: false, killedOrphans: [] };
  if (!procfsAvailable()) {
    // Without /proc we cannot tell a live postmaster from a reused pid; PostgreSQL's own check decides.
    return result;
  }
  const pid = readPostmasterPid(pgDataDir);
  if (pid !== null && isProcessAlive(pid) && isClusterProcess(pid, pgDataDir)) {
    logger.warn({ postgresPid: pid }, 'a PostgreSQL left running by an earlier Gatehouse is still up; stopping it (fast shutdown) before starting afresh');
    await stopProcess(pid, stopTimeoutMs);
    result.stoppedPostmaster = pid;
  }
  // Backends of a postmaster killed with SIGKILL keep the shared memory attached, and a new postmaster refuses to start until they are gone.
  const orphans = clusterProcesses(pgDataDir);
  for (const orphan of orphans) {
    try {
      process.kill(orphan, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  if (orphans.length > 0) {
    logger.warn({ postgresPids: orphans }, 'ended PostgreSQL processes orphaned by an earlier crash');
    await waitUntil(() => orphans.every((p) => !isProcessAlive(p)), 5_000);
  }
  result.killedOrphans = orphans;
  // PostgreSQL refuses to start while a lock file names a pid that kill(pid, 0) finds, even when that pid
  // is a zombie or now belongs to another program. No process of this cluster is left, so such files are stale.
  for (const file of [path.join(pgDataDir, 'postmaster.pid'), socketLockFile]) {
    const holder = readLockFilePid(file);
    if (holder === null || !pidExists(holder)) continue;
    logger.warn({ file, namedPid: holder, state: processState(holder), executable: processExecutable(holder) }, 'a PostgreSQL lock file names a pid that is not this cluster’s PostgreSQL (exited, or reused by another program); removing the stale file');
    fs.rmSync(file, { force: true });
    result.removedPidFile = true;
  }
  return result;
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** SIGINT (PostgreSQL's fast shutdown), then SIGQUIT, then SIGKILL. */
export async function stopProcess(pid: number, timeoutMs: number, immediate = false): Promise<void> {
  const steps = [['SIGINT', timeoutMs], ['SIGQUIT', 2_000], ['SIGKILL', 2_000]] as const;
  for (const [signal, wait] of immediate ? steps.slice(1) : steps) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    if (await waitUntil(() => !isProcessAlive(pid), wait)) return;
  }
}

export async function waitUntil(check: () => boolean, timeoutMs: number, intervalMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return check();
}
