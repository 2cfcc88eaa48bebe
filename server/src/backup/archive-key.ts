// The archive's keys, from its passphrase: argon2id, then HKDF-SHA256 into one key per use.
import { hkdfSync } from 'node:crypto';
import { hashRaw, type Algorithm, type Version } from '@node-rs/argon2';
import type { Argon2idParameters } from '../identity/passwords.ts';

export interface KdfParams extends Argon2idParameters {
  algorithm: 'argon2id';
}

/** RFC 9106 §4, the second recommended option (for when 2 GiB per derivation is too much): t=3, p=4, m=64 MiB. */
export const DEFAULT_KDF: Readonly<KdfParams> = Object.freeze({ algorithm: 'argon2id', memoryCost: 65_536, timeCost: 3, parallelism: 4 });

/** What a header may ask of the reader, at most: 1 GiB of memory, 10 passes, 16 lanes. */
export const KDF_LIMITS = Object.freeze({ memoryCost: 1_048_576, timeCost: 10, parallelism: 16 });

export const SALT_BYTES = 16;
const KEY_BYTES = 32;
const ENCRYPTION_INFO = 'gatehouse backup v1 encryption key';
const KEY_CHECK_INFO = 'gatehouse backup v1 key check';

// The package's enums are ambient const enums, which verbatimModuleSyntax cannot read: their values, from index.d.ts.
const ARGON2ID = 2 as Algorithm;
const VERSION_0x13 = 1 as Version;

export interface ArchiveKeys {
  /** AES-256-GCM key of the chunks. */
  encryptionKey: Buffer;
  /** Stored in the header: a derived value that tells a wrong passphrase from a damaged file, and reveals nothing of the encryption key. */
  keyCheck: Buffer;
}

/** Null when the parameters are acceptable, else what is wrong with them. */
export function kdfProblem(kdf: unknown): string | null {
  if (typeof kdf !== 'object' || kdf === null) return 'the key-derivation parameters are missing';
  const { algorithm, memoryCost, timeCost, parallelism } = kdf as Record<string, unknown>;
  if (algorithm !== 'argon2id') return `the key derivation is "${String(algorithm)}", not argon2id`;
  // Bounds on what a hostile header can make the reader spend: memory (KiB), passes, lanes.
  // RFC 9106 §3.1: p ≥ 1, t ≥ 1, m ≥ 8p KiB.
  if (!isInteger(parallelism, 1, KDF_LIMITS.parallelism)) return `argon2id parallelism ${String(parallelism)} is outside 1…${KDF_LIMITS.parallelism}`;
  if (!isInteger(timeCost, 1, KDF_LIMITS.timeCost)) return `argon2id passes ${String(timeCost)} are outside 1…${KDF_LIMITS.timeCost}`;
  if (!isInteger(memoryCost, 8 * parallelism, KDF_LIMITS.memoryCost)) {
    return `argon2id memory ${String(memoryCost)} KiB is outside ${8 * parallelism}…${KDF_LIMITS.memoryCost} KiB`;
  }
  return null;
}

function isInteger(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/**
 * The archive's keys from its passphrase and salt. The parameters must pass `kdfProblem` (the header reader checks them first).
 * NIST SP 800-63B §5.1.1.2: the passphrase is NFKC-normalized, so it opens the backup when typed on another keyboard or OS.
 */
export async function deriveArchiveKey(passphrase: string, salt: Buffer, kdf: KdfParams): Promise<ArchiveKeys> {
  const problem = kdfProblem(kdf);
  if (problem) throw new RangeError(problem);
  const { memoryCost, timeCost, parallelism } = kdf;
  const master = await hashRaw(passphrase.normalize('NFKC'), { algorithm: ARGON2ID, version: VERSION_0x13, memoryCost, timeCost, parallelism, salt, outputLen: KEY_BYTES });
  // RFC 5869 §3.2: one extract-and-expand per use, told apart by `info`, so the stored key check is independent of the encryption key.
  const subkey = (info: string) => Buffer.from(hkdfSync('sha256', master, salt, info, KEY_BYTES));
  return { encryptionKey: subkey(ENCRYPTION_INFO), keyCheck: subkey(KEY_CHECK_INFO) };
}
