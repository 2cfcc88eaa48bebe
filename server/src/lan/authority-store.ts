// Where the LAN CA lives. The database setting `lan.ca` is the original: backups carry it, a restore onto a new
// machine seals its key again for the new master key (backup/sealed.ts must list it), so devices that trust the CA
// keep trusting it; every instance on one database shares it. A sealed copy in <data>/tls outlives a restore of a
// backup made before LAN mode was on (which has no `lan.ca`): the next start puts the copy back.
import type pg from 'pg';
import { inTransaction } from '../db/transaction.ts';
import type { Logger } from 'pino';
import { lockForTransaction } from '../platform/locks.ts';
import { SecretBoxError, type SecretBox } from '../secrets/secret-box.ts';
import { authorityFacts, createAuthority, keyMatchesCertificate, type AuthorityFacts, type AuthorityMaterial } from './certificates.ts';
import { authorityReplacement, type AuthorityReplacement } from './renewal.ts';
import { SEAL_CONTEXTS, TLS_FILES, readTlsFile, writeTlsFile } from './tls-files.ts';

export const AUTHORITY_SETTING = 'lan.ca';
const AUTHORITY_LOCK = 'lan:ca';

/** The value of the `lan.ca` setting. */
interface StoredAuthority {
  certificate: string;
  privateKeySealed: string;
}

export type AuthorityOrigin = 'database' | 'data_dir' | 'created';

export interface EnsuredAuthority {
  material: AuthorityMaterial;
  facts: AuthorityFacts;
  origin: AuthorityOrigin;
  /** Set when a CA existed but could not serve: devices must install the new one. */
  replaced?: { reason: AuthorityReplacement | 'unreadable'; previousFingerprintSha256: string | null };
}

export class AuthorityStore {
  constructor(private readonly deps: { pool: pg.Pool; secrets: SecretBox; dir: string; logger: Logger }) {}

  /** The CA for this host name: the stored one while it can serve it, else a new one (stored in both places). */
  async ensure(hostname: string, now = new Date()): Promise<EnsuredAuthority> {
    const ensured = await inTransaction(this.deps.pool, async (client) => {
      // Two instances starting at once on one database make one CA, not two.
      await lockForTransaction(client, AUTHORITY_LOCK);
      return this.choose(client, hostname, now);
    });
    this.keepDiskCopy(ensured.material);
    return ensured;
  }

  private async choose(client: pg.PoolClient, hostname: string, now: Date): Promise<EnsuredAuthority> {
    // primary key of settings
    const { rows } = await client.query<{ value: StoredAuthority }>('SELECT value FROM settings WHERE key = $1', [AUTHORITY_SETTING]);
    let unreadable = false;
    let found: { material: AuthorityMaterial; origin: AuthorityOrigin } | null = null;
    if (rows[0]) {
      const material = this.open(rows[0].value, 'the database');
      if (material) found = { material, origin: 'database' };
      else unreadable = true;
    }
    found ??= this.readDiskCopy();

    let replaced: EnsuredAuthority['replaced'];
    if (found) {
      const facts = authorityFacts(found.material.certificatePem);
      const reason = authorityReplacement(facts, hostname, now);
      if (!reason) {
        if (found.origin !== 'database') await this.save(client, found.material);
        return { ...found, facts };
      }
      replaced = { reason, previousFingerprintSha256: facts.fingerprintSha256 };
    } else if (unreadable) {
      replaced = { reason: 'unreadable', previousFingerprintSha256: null };
    }

    const material = await createAuthority(hostname, now);
    await this.save(client, material);
    const facts = authorityFacts(material.certificatePem);
    if (replaced) {
      this.deps.logger.warn({ reason: replaced.reason, previous: replaced.previousFingerprintSha256, fingerprintSha256: facts.fingerprintSha256 }, 'made a new LAN certificate authority: every device must install the new CA certificate (/lan/ca.crt)');
    } else {
      this.deps.logger.info({ fingerprintSha256: facts.fingerprintSha256 }, 'made the LAN certificate authority');
    }
    return { material, facts, origin: 'created', ...(replaced ? { replaced } : {}) };
  }

  /** Opens a stored CA; null when its key was sealed with another master key (a restore onto a new machine that could not seal it again). */
  private open(stored: StoredAuthority, where: string): AuthorityMaterial | null {
    try {
      return { certificatePem: stored.certificate, privateKeyPkcs8: this.deps.secrets.open(stored.privateKeySealed, SEAL_CONTEXTS.authorityKey) };
    } catch (error) {
      if (!(error instanceof SecretBoxError)) throw error;
      this.deps.logger.error({ err: { message: error.message } }, `the LAN CA key in ${where} cannot be opened with this master key`);
      return null;
    }
  }

  private async save(client: pg.PoolClient, material: AuthorityMaterial): Promise<void> {
    const stored: StoredAuthority = { certificate: material.certificatePem, privateKeySealed: this.deps.secrets.seal(material.privateKeyPkcs8, SEAL_CONTEXTS.authorityKey) };
    await client.query(
      'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()',
      [AUTHORITY_SETTING, JSON.stringify(stored)],
    );
  }

  private readDiskCopy(): { material: AuthorityMaterial; origin: AuthorityOrigin } | null {
    const certificate = readTlsFile(this.deps.dir, TLS_FILES.authorityCertificate);
    const privateKeySealed = readTlsFile(this.deps.dir, TLS_FILES.authorityKey);
    if (certificate === null || privateKeySealed === null) return null;
    const material = this.open({ certificate, privateKeySealed: privateKeySealed.trim() }, 'the data dir');
    // The two files are written one after the other: a crash between them leaves a pair that does not match.
    if (!material || !keyMatchesCertificate(material.privateKeyPkcs8, material.certificatePem)) return null;
    return { material, origin: 'data_dir' };
  }

  private keepDiskCopy(material: AuthorityMaterial): void {
    if (readTlsFile(this.deps.dir, TLS_FILES.authorityCertificate) === material.certificatePem) return;
    writeTlsFile(this.deps.dir, TLS_FILES.authorityKey, `${this.deps.secrets.seal(material.privateKeyPkcs8, SEAL_CONTEXTS.authorityKey)}\n`);
    writeTlsFile(this.deps.dir, TLS_FILES.authorityCertificate, material.certificatePem);
  }
}
