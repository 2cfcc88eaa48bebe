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
  if (env.GATEHOUSE_DATA) return path.resolve(env.GATEHOUSE_DATA);
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), 'Gatehouse');
  if (platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'Gatehouse');
  // As root Gatehouse is a system service, and PostgreSQL runs as an unprivileged account
  // that cannot enter /root: the FHS place for service state is /var/lib.
  if (uid === 0) return '/var/lib/gatehouse';
  return path.join(env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share'), 'gatehouse');
}

export function ensureDataDir(dataDir: string): void {
  try {
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
      : code === 'EACCES' || code === 'EPERM' ? 'Gatehouse has no permission to write there: choose another folder with --data or fix its owner.'
      : code === 'EROFS' ? 'That file system is read-only: choose another folder with --data.'
      : 'Choose another folder with --data or GATEHOUSE_DATA.';
    throw new ApplianceError('data_dir_unusable', `Cannot use the data dir ${dataDir}: ${errorMessage(error)}. ${hint}`, { cause: error });
  }
}

export interface DataDirLock {
  release(): void;
}

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
  const lockPath = path.join(dataDir, LOCK_FILE);
  const record: LockRecord = { pid: process.pid, startTime: processStartTime(process.pid), hostname: os.hostname() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(lockPath, JSON.stringify(record), { flag: 'wx', mode: 0o600 });
      return {
        release() {
          try {
            const current = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as LockRecord;
            if (current.pid === process.pid) fs.rmSync(lockPath);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new ApplianceError('data_dir_unusable', `Cannot create the lock file ${lockPath}: ${errorMessage(error)}.`, { cause: error });
      }
    }
    const holder = readLock(lockPath);
    if (holder && holderIsAlive(holder)) {
      throw new ApplianceError(
        'data_dir_locked',
        `Another Gatehouse (pid ${holder.pid}) is already using the data dir ${dataDir}. Stop it first, or start this one with another --data folder.`,
      );
    }
    // Stale: move it aside atomically so that of two starters only one wins the takeover.
    try {
      fs.renameSync(lockPath, `${lockPath}.stale`);
    } catch {
      // Another starter moved it first; try again.
    }
  }
  throw new ApplianceError('data_dir_locked', `Could not take the lock ${lockPath}: another Gatehouse is starting on the same data dir.`);
}

function readLock(lockPath: string): LockRecord | null {
  try {
    return JSON.parse(fs.readFileSync(lockPath, 'utf8')) as LockRecord;
  } catch {
    return null; // A torn or empty lock file cannot prove anyone holds it.
  }
}

function holderIsAlive(holder: LockRecord): boolean {
  if (holder.hostname !== os.hostname()) return true; // A data dir on a shared disk, held by another machine: never steal it.
  if (!isProcessAlive(holder.pid)) return false;
  // The pid lives, but is it still the process that wrote the lock? Compare start times where the OS tells them.
  const now = processStartTime(holder.pid);
  if (holder.startTime !== null && now !== null) return now === holder.startTime;
  return true;
}
