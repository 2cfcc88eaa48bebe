// The archive's plaintext header: what the file is, how to derive its key, and how its chunks are laid out.
//   magic (14) ‖ format (u16) ‖ header length (u32) ‖ header JSON ‖ SHA-256 of all the preceding bytes (32)
// The SHA-256 catches accidental damage without the passphrase; with it, every chunk authenticates it (it is their AAD).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { ByteReader } from './archive-bytes.ts';
import { corrupt, notAnArchive, truncated, unsupportedFormat } from './archive-errors.ts';
import { kdfProblem, SALT_BYTES, type KdfParams } from './archive-key.ts';

/** PNG's trick: a high byte, then CR LF, ^Z and LF, so a text-mode transfer that mangles the file is caught at once. */
export const MAGIC = Buffer.from('\x89GATEHOUSE\r\n\x1a\n', 'latin1');
export const FORMAT = 1;
const FIXED_BYTES = 2 + 4;
export const DIGEST_BYTES = 32;
/** A header is a few hundred bytes; more is damage, and is never allocated. */
const MAX_HEADER_BYTES = 64 * 1024;
const MAX_META_LENGTH = 256;

export const NONCE_PREFIX_BYTES = 7;
export const KEY_CHECK_BYTES = 32;
/** STREAM chunks: 1 KiB … 1 MiB of plaintext each. */
export const MIN_CHUNK_SIZE = 1024;
export const MAX_CHUNK_SIZE = 1024 * 1024;
export const DEFAULT_CHUNK_SIZE = 256 * 1024;

export type Compression = 'deflate-raw' | 'none';

/** Readable without the passphrase (for `backup list`); authenticated when the archive is opened with it. */
export interface ArchiveMeta {
  createdAt: string;
  appVersion: string;
  schemaVersion: string;
}

export interface ArchiveHeader extends ArchiveMeta {
  format: 1;
  kdf: KdfParams;
  /** Of the record stream, before encryption. */
  compression: Compression;
  /** Plaintext bytes per chunk (the last may be shorter). */
  chunkSize: number;
  /** base64, 16 random bytes: the argon2id salt. */
  salt: string;
  /** base64, 7 random bytes: the first part of every chunk's nonce. */
  noncePrefix: string;
  /** base64, 32 bytes derived from the passphrase: tells a wrong passphrase from a damaged file. */
  keyCheck: string;
}

export interface EncodedHeader {
  bytes: Buffer;
  /** SHA-256 of the header's bytes: the AAD of every chunk. */
  digest: Buffer;
}

export function encodeHeader(header: ArchiveHeader): EncodedHeader {
  const json = Buffer.from(JSON.stringify(header));
  if (json.length > MAX_HEADER_BYTES) throw new RangeError(`the archive header is ${json.length} bytes, more than ${MAX_HEADER_BYTES}`);
  const fixed = Buffer.alloc(FIXED_BYTES);
  fixed.writeUInt16BE(FORMAT, 0);
  fixed.writeUInt32BE(json.length, 2);
  const digest = createHash('sha256').update(MAGIC).update(fixed).update(json).digest();
  return { bytes: Buffer.concat([MAGIC, fixed, json, digest]), digest };
}

/** Reads and checks the header at the reader's position. */
export async function decodeHeader(bytes: ByteReader): Promise<{ header: ArchiveHeader; digest: Buffer }> {
  const magic = await bytes.read(MAGIC.length);
  if (!magic.equals(MAGIC)) throw notAnArchive();
  const fixed = await bytes.read(FIXED_BYTES);
  if (fixed.length < FIXED_BYTES) throw truncated();
  const format = fixed.readUInt16BE(0);
  if (format !== FORMAT) throw unsupportedFormat(format);
  const length = fixed.readUInt32BE(2);
  // Bounded before it is read: a damaged length must not make the reader allocate.
  if (length > MAX_HEADER_BYTES) throw corrupt(`its header claims ${length} bytes, more than the ${MAX_HEADER_BYTES} a header may have`);
  const json = await bytes.read(length);
  const stored = await bytes.read(DIGEST_BYTES);
  if (stored.length < DIGEST_BYTES) throw truncated();
  const digest = createHash('sha256').update(magic).update(fixed).update(json).digest();
  if (!digest.equals(stored)) throw corrupt('its header does not match the header checksum');
  let parsed: unknown;
  try {
    parsed = JSON.parse(json.toString('utf8'));
  } catch (error) {
    throw corrupt('its header is not valid JSON', error);
  }
  return { header: checkHeader(parsed), digest };
}

/** The header's fields, each checked: a header is input, and a hostile one must not steer the reader. */
function checkHeader(value: unknown): ArchiveHeader {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw corrupt('its header is not an object');
  const fields = value as Record<string, unknown>;
  const invalid = (field: string) => corrupt(`its header's ${field} is invalid`);
  if (fields.format !== FORMAT) throw invalid('format');
  for (const field of ['createdAt', 'appVersion', 'schemaVersion'] as const) if (!isMetaText(fields[field])) throw invalid(field);
  const kdfIssue = kdfProblem(fields.kdf);
  // RFC 9106 §4 parameters, capped (m ≤ 1 GiB, t ≤ 10, p ≤ 16): a hostile header must not make the reader allocate gigabytes or spin for minutes.
  if (kdfIssue) throw corrupt(`its header asks for ${kdfIssue}`);
  if (fields.compression !== 'deflate-raw' && fields.compression !== 'none') throw invalid('compression');
  const chunkSize = fields.chunkSize;
  // STREAM chunks are bounded, so no chunk length read later can ask for more than 1 MiB.
  if (typeof chunkSize !== 'number' || !Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) throw invalid('chunk size');
  if (!isBase64(fields.salt, SALT_BYTES)) throw invalid('salt');
  if (!isBase64(fields.noncePrefix, NONCE_PREFIX_BYTES)) throw invalid('nonce prefix');
  if (!isBase64(fields.keyCheck, KEY_CHECK_BYTES)) throw invalid('key check');
  const kdf = fields.kdf as KdfParams;
  return {
    format: FORMAT,
    createdAt: fields.createdAt as string,
    appVersion: fields.appVersion as string,
    schemaVersion: fields.schemaVersion as string,
    kdf: { algorithm: kdf.algorithm, memoryCost: kdf.memoryCost, timeCost: kdf.timeCost, parallelism: kdf.parallelism },
    compression: fields.compression,
    chunkSize,
    salt: fields.salt as string,
    noncePrefix: fields.noncePrefix as string,
    keyCheck: fields.keyCheck as string,
  };
}

/** A meta field: a string of at most 256 characters (the writer checks the same). */
export function isMetaText(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_META_LENGTH;
}

function isBase64(value: unknown, bytes: number): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(value) && Buffer.from(value, 'base64').length === bytes;
}

/**
 * The header of an archive, without its passphrase (for `backup list`). Not authenticated: only opening the archive
 * with its passphrase proves the header unchanged. A stream is destroyed once the header is read; a path's file is closed.
 */
export async function readArchiveHeader(input: NodeJS.ReadableStream | string): Promise<ArchiveHeader> {
  const bytes = new ByteReader(typeof input === 'string' ? fs.createReadStream(input, { highWaterMark: 64 * 1024, start: 0 }) : input);
  try {
    return (await decodeHeader(bytes)).header;
  } finally {
    await bytes.close();
  }
}
