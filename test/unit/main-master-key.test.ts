// The master key for secrets at rest: sealed by the OS keychain through safeStorage; on Linux's "basic_text" backend
// (no keyring) the server's key file, with a warning; never a silent new key when a sealed one cannot be opened.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DesktopContext } from '../../main/src/desktop-context.ts';
import type { SafeStoragePort } from '../../main/src/electron-ports.ts';
import { chooseMasterKey, KEY_FILE, MASTER_KEY_ENV, MasterKeyError, SEALED_KEY_FILE } from '../../main/src/master-key.ts';
import { serverEnvironment } from '../../main/src/modules/server-lifecycle.ts';
import { loadMasterKey } from '../../server/src/secrets/master-key.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-main-key-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let dirs = 0;
function dataDir(): string {
  const dir = path.join(root, `d${dirs++}`);
  fs.mkdirSync(path.join(dir, 'secrets'), { recursive: true });
  return dir;
}

/** A keychain that seals with its own secret; another keychain (or none) cannot open what it sealed. */
function keychain(backend: string, options: { available?: boolean; secret?: string } = {}): SafeStoragePort & { backendAsked: number } {
  const secret = options.secret ?? 'keychain-secret';
  return {
    backendAsked: 0,
    isEncryptionAvailable: () => options.available ?? true,
    getSelectedStorageBackend() {
      this.backendAsked++;
      return backend;
    },
    encryptString: (plainText) => Buffer.from(Buffer.from(JSON.stringify({ secret, plainText })).map((byte) => byte ^ 0x5a)),
    decryptString(encrypted) {
      const opened = JSON.parse(Buffer.from(encrypted.map((byte) => byte ^ 0x5a)).toString()) as { secret: string; plainText: string };
      if (opened.secret !== secret) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return opened.plainText;
    },
  };
}

const A_KEY = Buffer.alloc(32, 7).toString('base64');

describe('the master key with an OS keychain', () => {
  it('makes a key on the first start, keeps it only sealed, and gives the same key at every start', () => {
    const dir = dataDir();
    const first = chooseMasterKey({ safeStorage: keychain('gnome_libsecret'), platform: 'linux', dataDir: dir });
    expect(first).toMatchObject({ keptIn: 'os-keychain', notice: null });
    if (first.keptIn !== 'os-keychain') return;
    // The server takes it as secrets.masterKey: 32 bytes in base64.
    expect(loadMasterKey({ configured: first.masterKey, dataDir: dir })).toHaveLength(32);

    const sealed = path.join(dir, SEALED_KEY_FILE);
    expect(fs.statSync(sealed).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(sealed, 'utf8')).not.toContain(first.masterKey);
    expect(JSON.parse(fs.readFileSync(sealed, 'utf8'))).toMatchObject({ version: 1, backend: 'gnome_libsecret' });
    expect(fs.existsSync(path.join(dir, KEY_FILE))).toBe(false);

    const again = chooseMasterKey({ safeStorage: keychain('gnome_libsecret'), platform: 'linux', dataDir: dir });
    expect(again).toMatchObject({ keptIn: 'os-keychain', masterKey: first.masterKey });
  });

  it('moves a key file the server made earlier into the keychain, keeping the same key', () => {
    const dir = dataDir();
    fs.writeFileSync(path.join(dir, KEY_FILE), `${A_KEY}\n`, { mode: 0o600 });
    const choice = chooseMasterKey({ safeStorage: keychain('kwallet5'), platform: 'linux', dataDir: dir });
    expect(choice).toMatchObject({ keptIn: 'os-keychain', masterKey: A_KEY });
    if (choice.keptIn === 'os-keychain') expect(choice.notice).toContain('KWallet 5');
    expect(fs.existsSync(path.join(dir, KEY_FILE))).toBe(false);
  });

  it('uses the macOS Keychain and Windows DPAPI without asking for a Linux backend', () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const safeStorage = keychain('unknown');
      expect(chooseMasterKey({ safeStorage, platform, dataDir: dataDir() }).keptIn).toBe('os-keychain');
      expect(safeStorage.backendAsked).toBe(0);
    }
  });

  it('stops, making no new key, when the keychain cannot open the sealed key', () => {
    const dir = dataDir();
    chooseMasterKey({ safeStorage: keychain('gnome_libsecret', { secret: 'old keyring' }), platform: 'linux', dataDir: dir });
    const before = fs.readFileSync(path.join(dir, SEALED_KEY_FILE), 'utf8');
    expect(() => chooseMasterKey({ safeStorage: keychain('gnome_libsecret', { secret: 'reset keyring' }), platform: 'linux', dataDir: dir })).toThrow(MasterKeyError);
    expect(fs.readFileSync(path.join(dir, SEALED_KEY_FILE), 'utf8')).toBe(before);
    expect(fs.existsSync(path.join(dir, KEY_FILE))).toBe(false);
  });
});

describe('the master key without an OS keyring', () => {
  it('on "basic_text", falls back to the key file and says why', () => {
    const dir = dataDir();
    const choice = chooseMasterKey({ safeStorage: keychain('basic_text'), platform: 'linux', dataDir: dir });
    expect(choice).toMatchObject({ keptIn: 'key-file', firstTime: true });
    if (choice.keptIn !== 'key-file') return;
    expect(choice.warning).toContain('basic_text');
    expect(choice.warning).toContain(path.join(dir, KEY_FILE));
    expect(fs.existsSync(path.join(dir, SEALED_KEY_FILE))).toBe(false);

    // The server made its key file on that start: the warning stays, as not the first time.
    fs.writeFileSync(path.join(dir, KEY_FILE), `${A_KEY}\n`, { mode: 0o600 });
    expect(chooseMasterKey({ safeStorage: keychain('basic_text'), platform: 'linux', dataDir: dir })).toMatchObject({ keptIn: 'key-file', firstTime: false });
  });

  it('falls back too when safeStorage has no encryption at all', () => {
    const choice = chooseMasterKey({ safeStorage: keychain('gnome_libsecret', { available: false }), platform: 'linux', dataDir: dataDir() });
    expect(choice.keptIn).toBe('key-file');
  });

  it('stops, and makes no key file, when the key was sealed by a keyring that is gone', () => {
    const dir = dataDir();
    chooseMasterKey({ safeStorage: keychain('gnome_libsecret'), platform: 'linux', dataDir: dir });
    expect(() => chooseMasterKey({ safeStorage: keychain('basic_text'), platform: 'linux', dataDir: dir })).toThrow(/GNOME keyring/);
    expect(fs.existsSync(path.join(dir, KEY_FILE))).toBe(false);
  });
});

describe("the server's environment", () => {
  function context(safeStorage: SafeStoragePort, dir: string) {
    const warnings: string[] = [];
    const logged: string[] = [];
    const ctx = {
      safeStorage,
      platform: 'linux',
      dataDir: dir,
      state: { quitting: false, masterKey: null },
      dialogs: { showWarning: (_title: string, message: string) => warnings.push(message), showError: () => undefined },
      log: (level: string, message: string) => logged.push(`${level}: ${message}`),
    } as unknown as DesktopContext;
    return { ctx, warnings, logged };
  }

  it('carries the sealed key to the server', () => {
    const { ctx } = context(keychain('gnome_libsecret'), dataDir());
    const env = serverEnvironment(ctx);
    expect(env[MASTER_KEY_ENV]).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(ctx.state.masterKey?.keptIn).toBe('os-keychain');
  });

  it('on the fallback carries no key, warns in a dialog the first time, and logs it every time', () => {
    const dir = dataDir();
    const first = context(keychain('basic_text'), dir);
    expect(serverEnvironment(first.ctx)).toEqual({});
    expect(first.warnings).toHaveLength(1);
    expect(first.logged[0]).toMatch(/^warn: .*basic_text/);

    fs.writeFileSync(path.join(dir, KEY_FILE), `${A_KEY}\n`, { mode: 0o600 });
    const later = context(keychain('basic_text'), dir);
    expect(serverEnvironment(later.ctx)).toEqual({});
    expect(later.warnings).toHaveLength(0);
    expect(later.logged).toHaveLength(1);
  });
});
