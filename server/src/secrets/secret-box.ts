// Secrets at rest (signing keys, client secrets that a protocol needs in plain text, TOTP seeds):
// AES-256-GCM under the instance's master key. The stored form names the key by id, so the master key can be rotated.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { ApplianceError } from '../appliance/errors.ts';

const VERSION = 'v1';

export class SecretBoxError extends ApplianceError {
  constructor(message: string) {
    super('secret_unreadable', message);
    this.name = 'SecretBoxError';
  }
}

export class SecretBox {
  /** A short fingerprint of the master key, stored with each secret. */
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new RangeError('the master key must be 32 bytes');
    this.keyId = createHash('sha256').update(key).digest('base64url').slice(0, 8);
  }

  /** `v1.<keyId>.<iv>.<ciphertext+tag>`, base64url. `context` binds the secret to its use (e.g. "oidc-key:<kid>"). */
  seal(plaintext: string | Buffer, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return [VERSION, this.keyId, iv.toString('base64url'), body.toString('base64url')].join('.');
  }

  open(sealed: string, context: string): Buffer {
    const [version, keyId, iv, body] = sealed.split('.');
    if (version !== VERSION || !keyId || !iv || !body) throw new SecretBoxError('a stored secret is not in a form this Gatehouse can read');
    if (keyId !== this.keyId) {
      throw new SecretBoxError(`A stored secret was sealed with master key ${keyId}, but this instance has master key ${this.keyId}. Every instance on one database needs the same master key: copy secrets/master.key from the first instance's data dir, or give all of them secrets.masterKey (GATEHOUSE_SECRETS_MASTER_KEY or GATEHOUSE_SECRETS_MASTER_KEY_FILE). Nothing was changed.`);
    }
    const data = Buffer.from(body, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(data.subarray(data.length - 16));
    try {
      return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]);
    } catch {
      throw new SecretBoxError('a stored secret failed its integrity check: it was changed, or sealed for another use');
    }
  }

  /** The master key itself, for the one place that must carry it: an encrypted backup (restorable on a new machine). */
  exportKey(): Buffer {
    return Buffer.from(this.key);
  }

  openText(sealed: string, context: string): string {
    return this.open(sealed, context).toString('utf8');
  }
}
