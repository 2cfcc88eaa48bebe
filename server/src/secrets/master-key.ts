// The master key: from the configuration (secrets.masterKey, or GATEHOUSE_SECRETS_MASTER_KEY[_FILE]) or,
// by default, secrets/master.key in the data dir, made on first run (0600). The desktop app will pass one
// kept by the OS keychain (Electron safeStorage). Several instances on one database need the same key.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ApplianceError } from '../appliance/errors.ts';

export function loadMasterKey(options: { configured?: string; dataDir: string }): Buffer {
  if (options.configured) return Buffer.from(options.configured, 'base64');
  const file = path.join(options.dataDir, 'secrets', 'master.key');
  if (!fs.existsSync(file)) fs.writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) {
    throw new ApplianceError('master_key_invalid', `${file} does not hold a 32-byte key in base64. Restore it from a backup; without it, stored signing keys cannot be read.`);
  }
  return key;
}
