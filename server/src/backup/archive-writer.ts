// Writes an archive: the header, then the record stream (deflated if asked), sealed in STREAM chunks.
// Streaming with backpressure all the way: each call resolves once the output has room, so the writer holds a few chunks at most.
import { randomBytes } from 'node:crypto';
import { createDeflateRaw, type DeflateRaw } from 'node:zlib';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { BlockPacker, ChunkSealer } from './archive-chunks.ts';
import {
  DEFAULT_CHUNK_SIZE,
  encodeHeader,
  isMetaText,
  MAX_CHUNK_SIZE,
  MIN_CHUNK_SIZE,
  NONCE_PREFIX_BYTES,
  type ArchiveHeader,
  type ArchiveMeta,
  type Compression,
} from './archive-header.ts';
import { DEFAULT_KDF, deriveArchiveKey, kdfProblem, SALT_BYTES, type KdfParams } from './archive-key.ts';
import { entryProblem, jsonRecord, recordHead, RecordType, type EntryKind } from './archive-records.ts';

export interface ArchiveWriterOptions {
  /** Written to, never ended or closed: the caller syncs and closes it after `finish()`. */
  output: NodeJS.WritableStream;
  passphrase: string;
  meta: ArchiveMeta;
  /** Of the record stream before encryption; deflate-raw (zlib level 1) by default. */
  compression?: Compression;
  /** argon2id parameters; DEFAULT_KDF (RFC 9106 §4) by default. */
  kdf?: KdfParams;
  /** Plaintext bytes per chunk, 1 KiB … 1 MiB; 256 KiB by default. */
  chunkSize?: number;
}

/** zlib level 1: most of deflate's gain on COPY text, at a fraction of the time of the default level (bench/backup/archive.ts). */
const DEFLATE_LEVEL = 1;

export class ArchiveWriter {
  private entryOpen = false;
  private entries = 0;
  private finished = false;
  private failure: unknown;
  private outputNeedsDrain = false;
  private deflaterNeedsDrain = false;
  private plaintext = 0;
  private written = 0;
  /** The record stream, cut into blocks of a chunk. */
  private readonly records: BlockPacker;
  private readonly deflater: DeflateRaw | undefined;
  /** The deflated record stream, cut into blocks of a chunk. */
  private readonly deflated: BlockPacker | undefined;
  private readonly sealer: ChunkSealer;
  private readonly onOutputError = (error: unknown) => (this.failure ??= error);

  static async create(options: ArchiveWriterOptions): Promise<ArchiveWriter> {
    const { output, passphrase, meta, compression = 'deflate-raw', kdf = DEFAULT_KDF, chunkSize = DEFAULT_CHUNK_SIZE } = options;
    const kdfIssue = kdfProblem(kdf);
    if (kdfIssue) throw new RangeError(kdfIssue);
    for (const field of ['createdAt', 'appVersion', 'schemaVersion'] as const) if (!isMetaText(meta[field])) throw new RangeError(`meta.${field} must be a string of at most 256 characters`);
    if (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) throw new RangeError(`chunkSize must be an integer in ${MIN_CHUNK_SIZE}…${MAX_CHUNK_SIZE}`);
    const salt = randomBytes(SALT_BYTES);
    const noncePrefix = randomBytes(NONCE_PREFIX_BYTES);
    const keys = await deriveArchiveKey(passphrase, salt, kdf);
    const header: ArchiveHeader = {
      format: 1,
      createdAt: meta.createdAt,
      appVersion: meta.appVersion,
      schemaVersion: meta.schemaVersion,
      kdf: { algorithm: 'argon2id', memoryCost: kdf.memoryCost, timeCost: kdf.timeCost, parallelism: kdf.parallelism },
      compression,
      chunkSize,
      salt: salt.toString('base64'),
      noncePrefix: noncePrefix.toString('base64'),
      keyCheck: keys.keyCheck.toString('base64'),
    };
    const encoded = encodeHeader(header);
    const writer = new ArchiveWriter(output, new ChunkSealer({ key: keys.encryptionKey, noncePrefix, headerDigest: encoded.digest }, (frame) => writer.emit(frame)), compression, chunkSize);
    writer.emit([encoded.bytes]);
    await writer.settle();
    return writer;
  }

  private constructor(
    private readonly output: NodeJS.WritableStream,
    sealer: ChunkSealer,
    compression: Compression,
    private readonly chunkSize: number,
  ) {
    this.sealer = sealer;
    output.on('error', this.onOutputError);
    if (compression === 'none') {
      this.records = new BlockPacker(chunkSize, (block) => sealer.seal(block, false));
      return;
    }
    const deflater = createDeflateRaw({ level: DEFLATE_LEVEL });
    const deflated = new BlockPacker(chunkSize, (block) => sealer.seal(block, false));
    deflater.on('data', (piece: Buffer) => deflated.push(piece));
    deflater.on('error', (error) => (this.failure ??= error));
    // The block is reused once this returns, and zlib reads it later: it gets a copy.
    this.records = new BlockPacker(chunkSize, (block) => {
      if (!deflater.write(Buffer.from(block))) this.deflaterNeedsDrain = true;
    });
    this.deflater = deflater;
    this.deflated = deflated;
  }

  /** Bytes of entry data given to `write()`. */
  get plaintextBytes(): number {
    return this.plaintext;
  }

  /** Bytes given to the output: the header and every chunk. */
  get bytesWritten(): number {
    return this.written;
  }

  async beginEntry(kind: EntryKind, name: string, info: Record<string, unknown> = {}): Promise<void> {
    this.checkUsable();
    if (this.entryOpen) throw new Error('beginEntry(): the previous entry is still open; call endEntry() first');
    const problem = entryProblem(kind, name);
    if (problem) throw new RangeError(`beginEntry(): ${problem}`);
    this.records.push(jsonRecord(RecordType.begin, { kind, name, info }));
    this.entryOpen = true;
    this.entries++;
    await this.settle();
  }

  /** Appends to the open entry; resolves when the output has room for more. */
  async write(data: Buffer): Promise<void> {
    this.checkUsable();
    if (!this.entryOpen) throw new Error('write(): no entry is open; call beginEntry() first');
    // Records of at most a chunk: each step seals at most one or two chunks before waiting for the output.
    const step = this.chunkSize;
    for (let offset = 0; offset < data.length; offset += step) {
      const part = data.subarray(offset, offset + step);
      this.records.push(recordHead(RecordType.data, part.length));
      this.records.push(part);
      this.plaintext += part.length;
      await this.settle();
    }
  }

  async endEntry(summary: Record<string, unknown> = {}): Promise<void> {
    this.checkUsable();
    if (!this.entryOpen) throw new Error('endEntry(): no entry is open');
    this.records.push(jsonRecord(RecordType.end, { summary }));
    this.entryOpen = false;
    await this.settle();
  }

  /** Writes the archive's end and its final chunk, and waits for the output to take them. Does not end, sync or close the output. */
  async finish(): Promise<void> {
    this.checkUsable();
    if (this.entryOpen) throw new Error('finish(): an entry is still open; call endEntry() first');
    this.finished = true;
    this.records.push(jsonRecord(RecordType.archiveEnd, { entries: this.entries }));
    if (this.deflater && this.deflated) {
      const ended = once(this.deflater, 'end');
      this.deflater.end(Buffer.from(this.records.takeRemainder()));
      await ended;
      this.sealer.seal(this.deflated.takeRemainder(), true);
    } else {
      this.sealer.seal(this.records.takeRemainder(), true);
    }
    try {
      await this.settle();
    } finally {
      this.output.off('error', this.onOutputError);
    }
  }

  private emit(frame: Buffer[]): void {
    for (const bytes of frame) {
      if (!this.output.write(bytes)) this.outputNeedsDrain = true;
      this.written += bytes.length;
    }
  }

  /** Waits until zlib and the output have taken what was given to them. */
  private async settle(): Promise<void> {
    try {
      if (this.deflater && this.deflaterNeedsDrain) {
        this.deflaterNeedsDrain = false;
        await drained(this.deflater);
      }
      if (this.outputNeedsDrain) {
        this.outputNeedsDrain = false;
        await drained(this.output);
      }
    } catch (error) {
      this.failure ??= error;
    }
    if (this.failure !== undefined) throw this.failure;
  }

  private checkUsable(): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.finished) throw new Error('the archive is finished');
  }
}

/** Resolves on 'drain'; rejects when the stream fails or closes first, or already has. */
function drained(stream: NodeJS.EventEmitter & Partial<Pick<Writable, 'destroyed' | 'writableNeedDrain'>>): Promise<void> {
  if (stream.destroyed) return Promise.reject(new Error('the backup output closed before the archive was finished'));
  if (stream.writableNeedDrain === false) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const settle = (error?: unknown) => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onDrain = () => settle();
    const onError = (error: unknown) => settle(error);
    const onClose = () => settle(new Error('the backup output closed before the archive was finished'));
    stream.on('drain', onDrain);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}
