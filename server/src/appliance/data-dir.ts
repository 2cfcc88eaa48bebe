// The data dir holds everything Gatehouse keeps: the PostgreSQL cluster, secrets, logs, media.
// It is created 0700 and locked so that one appliance owns it at a time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplianceError, errorMessage } from './errors.ts';
import { processStartTime, isProcessAlive } from './processes.ts';

export const LOCK_FILE = 'gatehouse.lock';

/** The platform's app-data dir: XDG on Linux, Application Support on macOS, %APPDATA% on Windows. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform, uid = process.getuid?.() ?? -1): string {
  // The platform's own path rules, whichever platform this runs on, so the answer for each can be tested anywhere.
  const paths = platform === 'win32' ? path.win32 : path.posix;
  if (env.GATEHOUSE_DATA) return paths.resolve(env.GATEHOUSE_DATA);
  if (platform === 'win32') return paths.join(env.APPDATA || paths.join(os.homedir(), 'AppData', 'Roaming'), 'Gatehouse');
  if (platform === 'darwin') return paths.join(os.homedir(), 'Library', 'Application Support', 'Gatehouse');
  // As root Gatehouse is a system service, and PostgreSQL runs as an unprivileged account
  // that cannot enter /root: the FHS place for service state is /var/lib.
  if (uid === 0) return '/var/lib/gatehouse';
  // XDG Base Directory: a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdgDataHome = env.XDG_DATA_HOME && paths.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : paths.join(os.homedir(), '.local', 'share');
  return paths.join(xdgDataHome, 'gatehouse');
}

export function ensureDataDir(dataDir: string): void {
  try {
    // Missing parents get ordinary permissions: run as root, PostgreSQL's own account must be able to pass through them.
    fs.mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true });
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dataDir, 0o700);
    for (const sub of ['logs', 'secrets']) fs.mkdirSync(path.join(dataDir, sub), { recursive: true, mode: 0o700 });
    const probe = path.join(dataDir, `.write-probe-${process.pid}`);
    fs.writeFileSync(probe, 'ok');
    fs.rmSync(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint =
      code === 'ENOSPC' ? 'The disk is full: free some space and start again.'
      : code === 'ENOTDIR' || code === 'EEXIST' ? 'A file is in the way: that path, or a folder above it, is a file, not a folder. Choose another folder with --data or GATEHOUSE_DATA.'
      : code === 'EACCES' || code === 'EPERM' ? 'Gatehouse has no permission to write there: choose another folder with --data or fix its owner.'
      : code === 'EROFS' ? 'That file system is read-only: choose another folder with --data.'
      : 'Choose another folder with --data or GATEHOUSE_DATA.';
    throw new ApplianceError('data_dir_unusable', `Cannot use the data dir ${dataDir}: ${errorMessage(error)}. ${hint}`, { cause: error });
  }
}

export interface DataDirLock {
  release(): void;
}

/** Lock files this process holds, to tell its own lock from one an earlier run with the same pid left behind. */
const heldByThisProcess = new Set<string>();

interface LockRecord {
  pid: number;
  startTime: string | null;
  hostname: string;
}

/**
 * Takes the data dir lock, or fails with the pid of the instance that holds it.
 * A lock file left by a dead process (or by a reused pid that now belongs to another program) is taken over.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const lockPath = path.resolve(dataDir, LOCK_FILE);
  const record: LockRecord = { pid: process.pid, startTime: processStartTime(process.pid), hostname: os.hostname() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(lockPath, JSON.stringify(record), { flag: 'wx', mode: 0o600 });
      heldByThisProcess.add(lockPath);
      let released = false;
      return {
        release() {
          // Once only: a second call must not remove a lock this process has taken again since.
          if (released) return;
          released = true;
          heldByThisProcess.delete(lockPath);
          // Remove the file only while it is still ours: another instance may have taken a lock we lost.
          const current = readLock(lockPath);
          if (current && sameHolder(current, record)) fs.rmSync(lockPath, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new ApplianceError(
          'data_dir_unusable',
          `Cannot create the lock file ${lockPath}: ${errorMessage(error)}. The data dir must be a folder Gatehouse may write in: fix it, or choose another folder with --data.`,
          { cause: error },
        );
      }
    }
    const holder = readLock(lockPath);
    if (holder && holderIsAlive(holder, lockPath)) {
      const remote = holder.hostname !== os.hostname();
      throw new ApplianceError(
        'data_dir_locked',
        `Another Gatehouse (pid ${holder.pid}${remote ? ` on the computer ${holder.hostname}` : ''}) is already using the data dir ${dataDir}. Stop it first, or start this one with another --data folder.` +
          (remote ? ` If ${holder.hostname} no longer runs Gatehouse, delete ${lockPath}.` : ''),
      );
    }
    // Stale: move it aside atomically so that of two starters only one wins the takeover.
    try {
      fs.renameSync(lockPath, `${lockPath}.stale`);
      fs.rmSync(`${lockPath}.stale`, { force: true });
    } catch {
      // Another starter moved it first; try again.
    }
  }
  throw new ApplianceError('data_dir_locked', `Could not take the lock ${lockPath}: another Gatehouse is starting on the same data dir.`);
}

const TORN_LOCK_GRACE_MS = 250;

function readLock(lockPath: string): LockRecord | null {
  // A starter creates the lock file and writes its record a moment later, so an empty or torn file
  // may be a lock being taken right now: give it that moment before deciding nobody holds it.
  for (let waitedMs = 0; ; waitedMs += 25) {
    let text: string;
    try {
      text = fs.readFileSync(lockPath, 'utf8');
    } catch {
      return null; // Gone (released, or moved aside by a takeover).
    }
    try {
      const record = JSON.parse(text) as Partial<LockRecord>;
      if (typeof record.pid === 'number' && typeof record.hostname === 'string') {
        return { pid: record.pid, startTime: record.startTime ?? null, hostname: record.hostname };
      }
    } catch {
      // Torn: read it again below.
    }
    if (waitedMs >= TORN_LOCK_GRACE_MS) return null; // Still torn: a starter died between creating and writing it.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
  }
}

function sameHolder(a: LockRecord, b: LockRecord): boolean {
  return a.pid === b.pid && a.startTime === b.startTime && a.hostname === b.hostname;
}

function holderIsAlive(holder: LockRecord, lockPath: string): boolean {
  if (holder.hostname !== os.hostname()) return true; // A data dir on a shared disk, held by another machine: never steal it.
  // Our own pid: ours only if this process took the lock; otherwise an earlier run that had the same pid
  // (a container restarts with the same pid, and where start times are unknown nothing else tells them apart).
  if (holder.pid === process.pid) return heldByThisProcess.has(lockPath);
  if (!isProcessAlive(holder.pid)) return false;
  // The pid lives, but is it still the process that wrote the lock? Compare start times where the OS tells them.
  const now = processStartTime(holder.pid);
  if (holder.startTime !== null && now !== null) return now === holder.startTime;
  return true;
}
