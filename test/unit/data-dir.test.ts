// The data dir: where it is by default, how it is created, and the lock that gives it to one Gatehouse at a time.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_FILE, defaultDataDir, ensureDataDir, lockDataDir } from '../../server/src/appliance/data-dir.ts';
import { ApplianceError } from '../../server/src/appliance/errors.ts';
import { processStartTime } from '../../server/src/appliance/processes.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const dataDirModule = fileURLToPath(new URL('../../server/src/appliance/data-dir.ts', import.meta.url));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-data-dir-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  fs.rmSync(root, { recursive: true, force: true });
});

let dirs = 0;
const freshPath = () => path.join(root, `d${dirs++}`);
function freshDir(): string {
  const dir = freshPath();
  fs.mkdirSync(dir);
  return dir;
}

const mode = (file: string) => fs.statSync(file).mode & 0o777;

/** Whether another user (the unprivileged child below) can load this checkout: every folder above it searchable by others. */
function failure(run: () => unknown): ApplianceError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ApplianceError);
    return error as ApplianceError;
  }
  throw new Error('it did not fail');
}

/** Starts a node child running the given ES module code; resolves once it prints its first line. */
async function startChild(code: string, options: { uid?: number; gid?: number } = {}): Promise<{ child: ChildProcess; firstLine: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', code], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], ...options });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const firstLine = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
    void exited.then((code) => reject(new Error(`the child exited (${code}) before printing: ${stderr}`)));
  });
  return { child, firstLine, exited };
}

/** A pid that no process has: a child that has exited and been reaped. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

/** A live process that is not this one, with its start time. */
async function liveProcess(): Promise<{ pid: number; startTime: string | null }> {
  const { child } = await startChild(`console.log('up'); setInterval(() => {}, 60_000);`);
  return { pid: child.pid!, startTime: processStartTime(child.pid!) };
}

function writeLock(dir: string, record: { pid: number; startTime: string | null; hostname?: string }): void {
  fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ hostname: os.hostname(), ...record }));
}
const readLockFile = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as { pid: number; startTime: string | null; hostname: string };

describe('defaultDataDir', () => {
  const home = os.homedir();

  it('uses GATEHOUSE_DATA first, made absolute', () => {
    expect(defaultDataDir({ GATEHOUSE_DATA: '/srv/gatehouse' }, 'linux', 0)).toBe('/srv/gatehouse');
    expect(defaultDataDir({ GATEHOUSE_DATA: 'relative/data' }, 'linux', 1000)).toBe(path.resolve('relative/data'));
  });

  it('uses XDG_DATA_HOME on Linux, or ~/.local/share without it', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: '/home/ada/.data' }, 'linux', 1000)).toBe('/home/ada/.data/gatehouse');
    expect(defaultDataDir({}, 'linux', 1000)).toBe(path.join(home, '.local', 'share', 'gatehouse'));
  });

  it('ignores a relative XDG_DATA_HOME, as the XDG spec says', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: 'data' }, 'linux', 1000)).toBe(path.join(home, '.local', 'share', 'gatehouse'));
  });

  it('uses /var/lib/gatehouse for root on Linux, whatever XDG says', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: '/root/.data' }, 'linux', 0)).toBe('/var/lib/gatehouse');
  });

  it('uses Application Support on macOS', () => {
    expect(defaultDataDir({}, 'darwin', 501)).toBe(path.join(home, 'Library', 'Application Support', 'Gatehouse'));
  });

  it('uses %APPDATA% on Windows, with Windows separators', () => {
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'win32', -1)).toBe('C:\\Users\\ada\\AppData\\Roaming\\Gatehouse');
    expect(defaultDataDir({ GATEHOUSE_DATA: 'D:\\gatehouse' }, 'win32', -1)).toBe('D:\\gatehouse');
  });
});

describe('ensureDataDir', () => {
  it('creates the data dir and its logs and secrets folders, readable by the owner only', () => {
    const dir = path.join(freshPath(), 'nested', 'data');
    ensureDataDir(dir);
    expect(mode(dir)).toBe(0o700);
    // Parents it had to create stay passable by others: as root, PostgreSQL runs as another account and goes through them.
    expect(mode(path.dirname(dir)) & 0o111).toBe(0o111);
    expect(mode(path.join(dir, 'logs'))).toBe(0o700);
    expect(mode(path.join(dir, 'secrets'))).toBe(0o700);
    expect(fs.readdirSync(dir).sort()).toEqual(['logs', 'secrets']);
  });

  it('tightens an existing data dir that others could read to 0700', () => {
    const dir = freshDir();
    fs.chmodSync(dir, 0o755);
    ensureDataDir(dir);
    expect(mode(dir)).toBe(0o700);
  });

  it('says a file is in the way when a folder above the data dir is a file (ENOTDIR, which fails even as root)', () => {
    const file = path.join(freshDir(), 'not-a-folder');
    fs.writeFileSync(file, '');
    const dir = path.join(file, 'data');
    const error = failure(() => ensureDataDir(dir));
    expect(error.code).toBe('data_dir_unusable');
    expect(error.message).toContain(dir);
    expect(error.message).toContain('a file, not a folder');
    expect(error.message).toContain('--data');
  });

  it('says a file is in the way when the data dir itself is a file (EEXIST)', () => {
    const file = path.join(freshDir(), 'data');
    fs.writeFileSync(file, '');
    const error = failure(() => ensureDataDir(file));
    expect(error.code).toBe('data_dir_unusable');
    expect(error.message).toContain('a file, not a folder');
  });

  it('says there is no permission when the user cannot write there (a child without root rights, so this fails as root too)', async () => {
    // Root may write anywhere: as root, the child loads the module and then drops to nobody (65534) before the attempt,
    // so it works wherever the checkout is.
    const parent = freshDir();
    fs.chmodSync(parent, 0o500);
    fs.chmodSync(root, 0o711);
    const code = `
      import { ensureDataDir } from ${JSON.stringify(dataDirModule)};
      if (process.getuid() === 0) { process.setgid(65534); process.setuid(65534); }
      try { ensureDataDir(${JSON.stringify(path.join(parent, 'data'))}); console.log(JSON.stringify({ ok: true })); }
      catch (error) { console.log(JSON.stringify({ code: error.code, message: error.message })); }`;
    const { firstLine } = await startChild(code);
    const result = JSON.parse(firstLine) as { ok?: true; code?: string; message?: string };
    expect(result.code).toBe('data_dir_unusable');
    expect(result.message).toContain('no permission');
  });
});

describe('lockDataDir', () => {
  it('writes this process’s pid, start time and host into a lock file only its owner can read', () => {
    const dir = freshDir();
    const lock = lockDataDir(dir);
    expect(readLockFile(dir)).toEqual({ pid: process.pid, startTime: processStartTime(process.pid), hostname: os.hostname() });
    expect(mode(path.join(dir, LOCK_FILE))).toBe(0o600);
    lock.release();
  });

  it('refuses a second lock on the same dir in this process, naming its pid', () => {
    const dir = freshDir();
    const lock = lockDataDir(dir);
    const error = failure(() => lockDataDir(dir));
    expect(error.code).toBe('data_dir_locked');
    expect(error.message).toContain(`pid ${process.pid}`);
    lock.release();
  });

  it('refuses a dir that another live Gatehouse holds, naming its pid, and takes it over once that process is killed', async () => {
    const dir = freshDir();
    const { child, exited } = await startChild(`
      import { lockDataDir } from ${JSON.stringify(dataDirModule)};
      lockDataDir(${JSON.stringify(dir)});
      console.log('locked');
      setInterval(() => {}, 60_000);`);
    const error = failure(() => lockDataDir(dir));
    expect(error.code).toBe('data_dir_locked');
    expect(error.message).toContain(`pid ${child.pid}`);
    expect(error.message).toContain(dir);

    child.kill('SIGKILL');
    await exited;
    expect(readLockFile(dir).pid).toBe(child.pid);
    const lock = lockDataDir(dir);
    expect(readLockFile(dir).pid).toBe(process.pid);
    expect(fs.readdirSync(dir)).toEqual([LOCK_FILE]);
    lock.release();
  });

  it('takes over a stale lock whose pid is dead', async () => {
    const dir = freshDir();
    writeLock(dir, { pid: await deadPid(), startTime: '12345' });
    const lock = lockDataDir(dir);
    expect(readLockFile(dir).pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a lock whose pid is alive but started at another time: the pid was reused by another program', async () => {
    const other = await liveProcess();
    expect(other.startTime).not.toBeNull();
    const dir = freshDir();
    writeLock(dir, { pid: other.pid, startTime: `${other.startTime}0` });
    const lock = lockDataDir(dir);
    expect(readLockFile(dir).pid).toBe(process.pid);
    lock.release();
  });

  it('refuses a lock whose pid is alive with the start time it recorded', async () => {
    const other = await liveProcess();
    const dir = freshDir();
    writeLock(dir, other);
    expect(failure(() => lockDataDir(dir)).message).toContain(`pid ${other.pid}`);
  });

  it('takes over a lock left by an earlier run that had this very pid (as in a restarted container), even without a start time', () => {
    const dir = freshDir();
    writeLock(dir, { pid: process.pid, startTime: null });
    const lock = lockDataDir(dir);
    expect(readLockFile(dir).startTime).toBe(processStartTime(process.pid));
    lock.release();
  });

  it('never takes over a lock held from another computer, and names that computer', async () => {
    const dir = freshDir();
    writeLock(dir, { pid: await deadPid(), startTime: null, hostname: 'nas-01' });
    const error = failure(() => lockDataDir(dir));
    expect(error.code).toBe('data_dir_locked');
    expect(error.message).toContain('nas-01');
  });

  it('takes over an empty lock file that stays empty: its writer died before writing it', () => {
    const dir = freshDir();
    fs.writeFileSync(path.join(dir, LOCK_FILE), '');
    const lock = lockDataDir(dir);
    expect(readLockFile(dir).pid).toBe(process.pid);
    lock.release();
  });

  it('does not take over a lock file that another starter has created but not yet written', async () => {
    // The other starter creates the file, then writes its record 50 ms later.
    const dir = freshDir();
    const lockPath = path.join(dir, LOCK_FILE);
    const { child } = await startChild(`
      import fs from 'node:fs';
      import os from 'node:os';
      fs.writeFileSync(${JSON.stringify(lockPath)}, '', { flag: 'wx' });
      console.log('created');
      setTimeout(() => fs.writeFileSync(${JSON.stringify(lockPath)}, JSON.stringify({ pid: process.pid, startTime: null, hostname: os.hostname() })), 50);
      setInterval(() => {}, 60_000);`);
    const error = failure(() => lockDataDir(dir));
    expect(error.code).toBe('data_dir_locked');
    expect(error.message).toContain(`pid ${child.pid}`);
    expect(readLockFile(dir).pid).toBe(child.pid);
  });

  it('release removes the lock file, and a second release does nothing', () => {
    const dir = freshDir();
    const lock = lockDataDir(dir);
    lock.release();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    const next = lockDataDir(dir);
    lock.release();
    expect(readLockFile(dir).pid).toBe(process.pid);
    next.release();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });

  it('release leaves alone a lock file that is no longer ours', () => {
    const dir = freshDir();
    const lock = lockDataDir(dir);
    // Someone took the dir over meanwhile; the second record even has our pid, from another computer.
    writeLock(dir, { pid: process.pid + 1, startTime: null });
    lock.release();
    expect(readLockFile(dir).pid).toBe(process.pid + 1);

    const otherDir = freshDir();
    const other = lockDataDir(otherDir);
    writeLock(otherDir, { pid: process.pid, startTime: processStartTime(process.pid), hostname: 'elsewhere' });
    other.release();
    expect(readLockFile(otherDir).hostname).toBe('elsewhere');
  });

  it('says the dir cannot be used when the lock file cannot be created', () => {
    const file = path.join(freshDir(), 'file');
    fs.writeFileSync(file, '');
    const error = failure(() => lockDataDir(file));
    expect(error.code).toBe('data_dir_unusable');
    expect(error.message).toContain(path.join(file, LOCK_FILE));
  });
});
