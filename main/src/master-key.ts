// The master key that seals secrets at rest (signing keys, TOTP seeds), kept by the OS keychain through Electron's
// safeStorage and handed to the server in GATEHOUSE_SECRETS_MASTER_KEY. Where there is no real keychain
// (Linux's "basic_text" backend only obscures data with a key built into Chromium), the server's own key file is used,
// and the user is told so: never silently. A key that is sealed but cannot be unsealed stops the start: a new key
// would make every stored secret unreadable.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { SafeStoragePort } from './electron-ports.ts';

/** The server's configuration variable for secrets.masterKey (server/src/appliance/config.ts names it after the setting). */
export const MASTER_KEY_ENV = 'GATEHOUSE_SECRETS_MASTER_KEY';
/** The server's own key file (server/src/secrets/master-key.ts). */
export const KEY_FILE = path.join('secrets', 'master.key');
/** The key as the OS keychain sealed it, with the backend that sealed it (for the messages). */
export const SEALED_KEY_FILE = path.join('secrets', 'master-key.sealed.json');

export type MasterKeyChoice =
  | { keptIn: 'os-keychain'; masterKey: string; notice: string | null }
  /** `firstTime`: no key file existed yet, so the user has not been told before. */
  | { keptIn: 'key-file'; warning: string; firstTime: boolean };

export class MasterKeyError extends Error {}

interface SealedKeyRecord {
  version: 1;
  backend: string;
  sealed: string;
}

export interface MasterKeyOptions {
  safeStorage: SafeStoragePort;
  platform: NodeJS.Platform;
  dataDir: string;
}

export function chooseMasterKey({ safeStorage, platform, dataDir }: MasterKeyOptions): MasterKeyChoice {
  const keyFile = path.join(dataDir, KEY_FILE);
  const sealedFile = path.join(dataDir, SEALED_KEY_FILE);
  const backend = platform === 'linux' ? safeStorage.getSelectedStorageBackend() : platform === 'darwin' ? 'macos_keychain' : 'windows_dpapi';
  const available = safeStorage.isEncryptionAvailable();

  if (!available || backend === 'basic_text') {
    if (fs.existsSync(sealedFile)) {
      const sealedBy = readSealedRecord(sealedFile).backend;
      throw new MasterKeyError(`Gatehouse's master key is sealed by ${describeBackend(sealedBy)}, which is not available in this session (${available ? 'only "basic_text" is' : 'safeStorage reports no encryption'}). Start Gatehouse in a desktop session where that keyring is unlocked. No new key was made: the stored secrets could not be read with it.`);
    }
    const why = available
      ? 'Electron\'s safeStorage found no OS keyring (its backend is "basic_text", which only obscures data with a key built into the app)'
      : 'the OS keychain is not available (safeStorage reports no encryption)';
    return {
      keptIn: 'key-file',
      warning: `${why[0]!.toUpperCase()}${why.slice(1)}. Gatehouse keeps its master key in ${keyFile} instead, readable by your user only. Install and unlock a keyring (GNOME Keyring or KWallet) and restart Gatehouse to move the key into it.`,
      firstTime: !fs.existsSync(keyFile),
    };
  }

  if (fs.existsSync(sealedFile)) {
    const record = readSealedRecord(sealedFile);
    let masterKey: string;
    try {
      masterKey = safeStorage.decryptString(Buffer.from(record.sealed, 'base64'));
    } catch (error) {
      throw new MasterKeyError(`${describeBackend(backend)} cannot unseal Gatehouse's master key (${error instanceof Error ? error.message : String(error)}). If the keyring was reset, the key is gone: restore your last backup, which carries it. No new key was made.`);
    }
    checkKey(masterKey, sealedFile);
    const notice = fs.existsSync(keyFile) ? `${keyFile} exists but is not used: the master key sealed by ${describeBackend(backend)} is.` : null;
    return { keptIn: 'os-keychain', masterKey, notice };
  }

  // First start with a keychain: seal the key file's key if the server made one before (an earlier fallback
  // or a headless run on this data dir), else a new one; the key file goes once the sealed copy reads back.
  const existing = fs.existsSync(keyFile) ? fs.readFileSync(keyFile, 'utf8').trim() : null;
  if (existing !== null) checkKey(existing, keyFile);
  const masterKey = existing ?? randomBytes(32).toString('base64');
  const record: SealedKeyRecord = { version: 1, backend, sealed: safeStorage.encryptString(masterKey).toString('base64') };
  writePrivateFile(sealedFile, JSON.stringify(record) + '\n');
  if (safeStorage.decryptString(Buffer.from(readSealedRecord(sealedFile).sealed, 'base64')) !== masterKey) {
    fs.rmSync(sealedFile);
    throw new MasterKeyError(`${describeBackend(backend)} did not give back the master key it sealed; Gatehouse did not start.`);
  }
  if (existing === null) return { keptIn: 'os-keychain', masterKey, notice: null };
  fs.rmSync(keyFile);
  return { keptIn: 'os-keychain', masterKey, notice: `Moved the master key from ${keyFile} into ${describeBackend(backend)}.` };
}

function describeBackend(backend: string): string {
  const names: Record<string, string> = {
    macos_keychain: 'the macOS Keychain',
    windows_dpapi: 'Windows (DPAPI)',
    gnome_libsecret: 'the GNOME keyring (libsecret)',
    kwallet: 'KWallet',
    kwallet5: 'KWallet 5',
    kwallet6: 'KWallet 6',
    basic_text: 'no keyring ("basic_text")',
  };
  return names[backend] ?? `the OS keyring (${backend})`;
}

function readSealedRecord(file: string): SealedKeyRecord {
  const record = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<SealedKeyRecord>;
  if (record.version !== 1 || typeof record.sealed !== 'string' || typeof record.backend !== 'string') {
    throw new MasterKeyError(`${file} is not a sealed master key Gatehouse wrote. Restore it, or your last backup.`);
  }
  return record as SealedKeyRecord;
}

function checkKey(key: string, from: string): void {
  // The server accepts 32 bytes in base64 (secrets.masterKey); anything else is damage, not a key.
  if (!/^[A-Za-z0-9+/]{43}=$/.test(key) || Buffer.from(key, 'base64').length !== 32) {
    throw new MasterKeyError(`${from} does not hold a 32-byte master key. Restore it from a backup; without it, stored signing keys cannot be read.`);
  }
}

/** Written whole (temporary file, then rename) and readable by the user only, in a 0700 folder. */
function writePrivateFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, text, { mode: 0o600 });
  fs.renameSync(temporary, file);
}
