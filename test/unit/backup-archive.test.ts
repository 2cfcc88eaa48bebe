// The backup archive format: round trips, a wrong passphrase, every kind of damage, hostile headers and lengths, backpressure.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { deflateRawSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import {
  ArchiveError,
  ArchiveWriter,
  DEFAULT_KDF,
  deriveArchiveKey,
  readArchive,
  readArchiveHeader,
  type ArchiveEvent,
  type ArchiveHeader,
  type EntryKind,
  type KdfParams,
} from '../../server/src/backup/archive.ts';
import { ChunkSealer, TAG_BYTES } from '../../server/src/backup/archive-chunks.ts';
import { encodeHeader, MAGIC } from '../../server/src/backup/archive-header.ts';
import { jsonRecord, recordHead, RecordType } from '../../server/src/backup/archive-records.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-archive-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** Cheap argon2id parameters: the tests exercise the format, not the KDF's cost (one test uses DEFAULT_KDF). */
const TEST_KDF: KdfParams = { algorithm: 'argon2id', memoryCost: 8, timeCost: 1, parallelism: 1 };
const META = { createdAt: '2026-11-28T03:00:00.000Z', appVersion: '0.1.0', schemaVersion: '20261128100000' };
const PASSPHRASE = 'correct horse battery staple';
const COMPRESSIONS = ['none', 'deflate-raw'] as const;

// Helpers

/** A writable that keeps what it is given. */
function memoryOutput(): { output: Writable; bytes: () => Buffer } {
  const parts: Buffer[] = [];
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      parts.push(chunk);
      done();
    },
  });
  return { output, bytes: () => Buffer.concat(parts) };
}

/** The file in pieces of an odd size, so every field sometimes straddles two pieces. */
function inPieces(file: Buffer, size = 777): Readable {
  const pieces: Buffer[] = [];
  for (let offset = 0; offset < file.length; offset += size) pieces.push(file.subarray(offset, offset + size));
  return Readable.from(pieces);
}

interface SmallEntry {
  kind: EntryKind;
  name: string;
  info?: Record<string, unknown>;
  data: Buffer[];
  summary?: Record<string, unknown>;
}

async function writeArchive(entries: SmallEntry[], options: { compression?: 'none' | 'deflate-raw'; chunkSize?: number; passphrase?: string; kdf?: KdfParams } = {}): Promise<Buffer> {
  const { output, bytes } = memoryOutput();
  const writer = await ArchiveWriter.create({ output, passphrase: options.passphrase ?? PASSPHRASE, meta: META, kdf: options.kdf ?? TEST_KDF, compression: options.compression, chunkSize: options.chunkSize });
  for (const entry of entries) {
    await writer.beginEntry(entry.kind, entry.name, entry.info);
    for (const data of entry.data) await writer.write(data);
    await writer.endEntry(entry.summary);
  }
  await writer.finish();
  expect(writer.bytesWritten).toBe(bytes().length);
  return bytes();
}

/** The entries read back, each entry's data joined. */
async function readEntries(input: Readable, passphrase = PASSPHRASE): Promise<SmallEntry[]> {
  const entries: SmallEntry[] = [];
  for await (const event of readArchive(input, passphrase)) {
    if (event.type === 'begin') entries.push({ kind: event.kind, name: event.name, info: event.info, data: [] });
    else if (event.type === 'data') entries.at(-1)!.data.push(Buffer.from(event.data));
    else entries.at(-1)!.summary = event.summary;
  }
  return entries.map((entry) => ({ ...entry, data: [Buffer.concat(entry.data)] }));
}

async function readFailure(file: Buffer, passphrase = PASSPHRASE): Promise<ArchiveError> {
  try {
    await readEntries(inPieces(file), passphrase);
  } catch (error) {
    expect(error).toBeInstanceOf(ArchiveError);
    return error as ArchiveError;
  }
  throw new Error('the archive was read without an error');
}

interface ChunkSpan {
  start: number;
  end: number;
  length: number;
  final: boolean;
}

/** Where the header ends and each chunk lies, walked from the length fields. */
function layout(file: Buffer): { headerEnd: number; chunks: ChunkSpan[] } {
  const headerEnd = MAGIC.length + 6 + file.readUInt32BE(MAGIC.length + 2) + 32;
  const chunks: ChunkSpan[] = [];
  for (let start = headerEnd; start < file.length; ) {
    const word = file.readUInt32BE(start);
    const length = word & 0x7fff_ffff;
    const end = start + 4 + length + TAG_BYTES;
    chunks.push({ start, end, length, final: word >= 0x8000_0000 });
    start = end;
  }
  return { headerEnd, chunks };
}

function flipByte(file: Buffer, offset: number, mask = 0x01): Buffer {
  const copy = Buffer.from(file);
  copy[offset]! ^= mask;
  return copy;
}

/** The file with its header's JSON changed and the header checksum made to match: what a forger could do without the passphrase. */
function rewriteHeader(file: Buffer, change: (header: Record<string, unknown>) => void): Buffer {
  const { headerEnd } = layout(file);
  const header = JSON.parse(file.subarray(MAGIC.length + 6, headerEnd - 32).toString('utf8')) as Record<string, unknown>;
  change(header);
  return Buffer.concat([encodeHeader(header as unknown as ArchiveHeader).bytes, file.subarray(headerEnd)]);
}

/** Deterministic COPY-like text: `id \t email \t name \t timestamp \t json` lines. */
function copyText(firstRow: number, bytes: number): { text: Buffer; rows: number } {
  const lines: string[] = [];
  let size = 0;
  let row = firstRow;
  while (size < bytes) {
    const line = `${row}\tuser${row}@example.com\tUser ${(row * 7919) % 100_003}\t2026-11-${String((row % 28) + 1).padStart(2, '0')} 03:${String(row % 60).padStart(2, '0')}:00+00\t{"groups":[${row % 13},${row % 7}],"mfa":${row % 3 === 0}}\n`;
    lines.push(line);
    size += line.length;
    row++;
  }
  return { text: Buffer.from(lines.join('')), rows: row - firstRow };
}

// Round trips

describe('ArchiveWriter and readArchive', () => {
  it.each(COMPRESSIONS)('round-trip tens of MB through a file with entries of every kind (compression %s)', async (compression) => {
    const file = path.join(root, `round-trip-${compression}.gh`);
    const output = fs.createWriteStream(file);
    const writer = await ArchiveWriter.create({ output, passphrase: PASSPHRASE, meta: META, kdf: TEST_KDF, compression });
    const expected: Array<{ kind: EntryKind; name: string; info: Record<string, unknown>; bytes: number; sha256: string; summary: Record<string, unknown> }> = [];
    /** Streams generated pieces into one entry, hashing them as they go: nothing is held beyond the piece being written. */
    const entry = async (kind: EntryKind, name: string, info: Record<string, unknown>, pieces: Iterable<Buffer>) => {
      await writer.beginEntry(kind, name, info);
      const hash = createHash('sha256');
      let bytes = 0;
      for (const piece of pieces) {
        hash.update(piece);
        bytes += piece.length;
        await writer.write(piece);
      }
      const summary = { bytes, sha256: hash.digest('hex') };
      await writer.endEntry(summary);
      expected.push({ kind, name, info, bytes, sha256: summary.sha256, summary });
    };
    function* table(totalBytes: number): Generator<Buffer> {
      // Pieces of many sizes: one byte, a few KiB, and more than a chunk (3 MiB) at once.
      const sizes = [1, 64 * 1024, 3 * 1024 * 1024, 200, 1024 * 1024 + 3];
      let row = 0;
      for (let written = 0, i = 0; written < totalBytes; i++) {
        const { text, rows } = copyText(row, sizes[i % sizes.length]!);
        row += rows;
        written += text.length;
        yield text;
      }
    }
    function* media(totalBytes: number): Generator<Buffer> {
      for (let written = 0; written < totalBytes; written += 256 * 1024) yield randomBytes(256 * 1024);
    }

    await entry('json', 'head', { version: 1 }, [Buffer.from(JSON.stringify({ tables: ['users', 'sessions'] }))]);
    await entry('table', 'users', { columns: ['id', 'email', 'name', 'created_at', 'attributes'] }, table(24 * 1024 * 1024));
    await entry('table', 'sessions', { columns: ['id'] }, []);
    await entry('file', 'logos/acme.png', { size: 8 * 1024 * 1024 }, media(8 * 1024 * 1024));
    await entry('file', 'logos/empty.svg', {}, [Buffer.alloc(0)]);
    await entry('json', 'manifest', {}, [Buffer.from('{"ok":true}')]);
    await writer.finish();
    await new Promise<void>((resolve, reject) => output.end((error?: Error | null) => (error ? reject(error) : resolve())));

    const totalData = expected.reduce((sum, e) => sum + e.bytes, 0);
    expect(writer.plaintextBytes).toBe(totalData);
    expect(writer.bytesWritten).toBe(fs.statSync(file).size);
    if (compression === 'deflate-raw') expect(fs.statSync(file).size).toBeLessThan(totalData * 0.6);
    else expect(fs.statSync(file).size).toBeGreaterThan(totalData);

    const header = await readArchiveHeader(file);
    expect(header).toMatchObject({ ...META, format: 1, compression, kdf: TEST_KDF, chunkSize: 256 * 1024 });

    const seen: typeof expected = [];
    let hash = createHash('sha256');
    let bytes = 0;
    for await (const event of readArchive(fs.createReadStream(file), PASSPHRASE)) {
      if (event.type === 'begin') {
        seen.push({ kind: event.kind, name: event.name, info: event.info, bytes: 0, sha256: '', summary: {} });
        hash = createHash('sha256');
        bytes = 0;
      } else if (event.type === 'data') {
        hash.update(event.data);
        bytes += event.data.length;
      } else {
        Object.assign(seen.at(-1)!, { bytes, sha256: hash.digest('hex'), summary: event.summary });
      }
    }
    expect(seen).toEqual(expected);
  });

  it('opens an archive made with the default argon2id parameters (RFC 9106 §4, second option)', async () => {
    const { output, bytes } = memoryOutput();
    const writer = await ArchiveWriter.create({ output, passphrase: PASSPHRASE, meta: META });
    await writer.beginEntry('json', 'head');
    await writer.write(Buffer.from('{"a":1}'));
    await writer.endEntry();
    await writer.finish();
    expect(DEFAULT_KDF).toEqual({ algorithm: 'argon2id', memoryCost: 64 * 1024, timeCost: 3, parallelism: 4 });
    const header = await readArchiveHeader(inPieces(bytes()));
    expect(header.kdf).toEqual(DEFAULT_KDF);
    expect(header.compression).toBe('deflate-raw');
    expect(await readEntries(inPieces(bytes()))).toEqual([{ kind: 'json', name: 'head', info: {}, data: [Buffer.from('{"a":1}')], summary: {} }]);
  });

  it.each(COMPRESSIONS)('round-trips empty entries and an archive with no entries (compression %s)', async (compression) => {
    const entries: SmallEntry[] = [
      { kind: 'table', name: 'empty', data: [], summary: { rows: 0 } },
      { kind: 'file', name: 'empty.bin', info: { size: 0 }, data: [Buffer.alloc(0)], summary: {} },
    ];
    expect(await readEntries(inPieces(await writeArchive(entries, { compression })))).toEqual(entries.map((e) => ({ ...e, info: e.info ?? {}, data: [Buffer.alloc(0)] })));
    expect(await readEntries(inPieces(await writeArchive([], { compression })))).toEqual([]);
  });

  it('round-trips an archive whose record stream fills its last chunk exactly (the final chunk is then empty)', async () => {
    const chunkSize = 1024;
    // Grow the data until the record stream is a whole number of chunks: the final chunk then carries no plaintext.
    for (let size = 1; size < 2 * chunkSize; size++) {
      const file = await writeArchive([{ kind: 'file', name: 'f', data: [Buffer.alloc(size, 7)] }], { compression: 'none', chunkSize });
      const { chunks } = layout(file);
      if (chunks.at(-1)!.length !== 0) continue;
      expect(chunks.length).toBeGreaterThan(1);
      expect((await readEntries(inPieces(file)))[0]!.data[0]).toEqual(Buffer.alloc(size, 7));
      return;
    }
    throw new Error('no size gave an empty final chunk');
  });

  it('reads the meta without the passphrase, from a path and from a stream', async () => {
    const archive = await writeArchive([{ kind: 'json', name: 'head', data: [Buffer.from('{}')] }]);
    const file = path.join(root, 'meta.gh');
    fs.writeFileSync(file, archive);
    const header = await readArchiveHeader(file);
    expect(header).toMatchObject({ ...META, format: 1, kdf: TEST_KDF });
    expect(Buffer.from(header.salt, 'base64')).toHaveLength(16);
    expect(await readArchiveHeader(inPieces(archive, 5))).toEqual(header);
  });

  it('opens with the passphrase typed in another Unicode normalization form (NIST SP 800-63B §5.1.1.2)', async () => {
    const archive = await writeArchive([{ kind: 'json', name: 'head', data: [Buffer.from('{}')] }], { passphrase: 'cr\u00e8me br\u00fbl\u00e9e' });
    expect(await readEntries(inPieces(archive), 'cre\u0300me bru\u0302le\u0301e')).toHaveLength(1);
  });

  it('uses a fresh salt and nonce prefix for every file', async () => {
    const [a, b] = [await writeArchive([]), await writeArchive([])];
    const [headerA, headerB] = [await readArchiveHeader(inPieces(a)), await readArchiveHeader(inPieces(b))];
    expect(headerA.salt).not.toBe(headerB.salt);
    expect(headerA.noncePrefix).not.toBe(headerB.noncePrefix);
  });

  it('derives different keys for encryption and for the key check', async () => {
    const keys = await deriveArchiveKey(PASSPHRASE, Buffer.alloc(16, 1), TEST_KDF);
    expect(keys.encryptionKey).toHaveLength(32);
    expect(keys.keyCheck).toHaveLength(32);
    expect(keys.encryptionKey.equals(keys.keyCheck)).toBe(false);
    expect((await deriveArchiveKey(PASSPHRASE, Buffer.alloc(16, 2), TEST_KDF)).encryptionKey.equals(keys.encryptionKey)).toBe(false);
  });
});

// The passphrase

describe('a wrong passphrase', () => {
  it('is reported as a wrong passphrase, before any event', async () => {
    const archive = await writeArchive([{ kind: 'json', name: 'head', data: [Buffer.from('{}')] }]);
    const events: ArchiveEvent[] = [];
    const failure = await (async () => {
      try {
        for await (const event of readArchive(inPieces(archive), 'not the passphrase')) events.push(event);
      } catch (error) {
        return error as ArchiveError;
      }
    })();
    expect(failure).toMatchObject({ code: 'backup_wrong_passphrase', message: expect.stringMatching(/^The passphrase does not open this backup/) });
    expect(events).toEqual([]);
  });
});

// Damage

describe.each(COMPRESSIONS)('damage is detected (compression %s)', (compression) => {
  // Random data does not compress: about ten 1 KiB chunks either way.
  const data = randomBytes(9 * 1024);
  const write = () => writeArchive([{ kind: 'file', name: 'random.bin', data: [randomBytes(9 * 1024)] }], { compression, chunkSize: 1024 });
  let archives: Promise<[Buffer, Buffer]> | undefined;
  /** This archive, and another with the same passphrase (so with another salt and key). */
  const archive = async () => (archives ??= Promise.all([writeArchive([{ kind: 'file', name: 'random.bin', data: [data], summary: { size: data.length } }], { compression, chunkSize: 1024 }), write()]));

  const cases: Array<[string, (file: Buffer, other: Buffer) => Buffer, string]> = [
    ['a flipped byte in the header JSON', (f) => flipByte(f, MAGIC.length + 6 + 10), 'backup_corrupt'],
    ['a flipped byte in the header checksum', (f) => flipByte(f, layout(f).headerEnd - 1), 'backup_corrupt'],
    ['a flipped byte in the header length', (f) => flipByte(f, MAGIC.length + 5), 'backup_corrupt'],
    ['a changed meta with a recomputed header checksum', (f) => rewriteHeader(f, (h) => (h.appVersion = '9.9.9')), 'backup_corrupt'],
    ['a flipped low byte in a chunk length field', (f) => flipByte(f, layout(f).chunks[2]!.start + 3), 'backup_corrupt'],
    ['a flipped high byte in a chunk length field', (f) => flipByte(f, layout(f).chunks[2]!.start + 1), 'backup_corrupt'],
    ['a chunk marked final that is not', (f) => flipByte(f, layout(f).chunks[2]!.start, 0x80), 'backup_corrupt'],
    ['the final chunk unmarked', (f) => flipByte(f, layout(f).chunks.at(-1)!.start, 0x80), 'backup_corrupt'],
    ['a flipped byte in a chunk ciphertext', (f) => flipByte(f, layout(f).chunks[3]!.start + 100), 'backup_corrupt'],
    ['a flipped byte in a chunk tag', (f) => flipByte(f, layout(f).chunks[3]!.end - 1), 'backup_corrupt'],
    ['a flipped byte in the final chunk', (f) => flipByte(f, layout(f).chunks.at(-1)!.start + 5), 'backup_corrupt'],
    ['a dropped chunk', (f) => dropChunk(f, 3), 'backup_corrupt'],
    ['two chunks swapped', (f) => swapChunks(f, 2, 3), 'backup_corrupt'],
    ['a duplicated chunk', (f) => duplicateChunk(f, 2), 'backup_corrupt'],
    ['the first chunk dropped', (f) => dropChunk(f, 0), 'backup_corrupt'],
    ['the final chunk dropped (truncated at a chunk boundary)', (f) => f.subarray(0, layout(f).chunks.at(-1)!.start), 'backup_truncated'],
    ['everything after the third chunk cut (at a chunk boundary)', (f) => f.subarray(0, layout(f).chunks[2]!.end), 'backup_truncated'],
    ['all chunks cut (the header alone)', (f) => f.subarray(0, layout(f).headerEnd), 'backup_truncated'],
    ['a cut in the middle of a chunk', (f) => f.subarray(0, layout(f).chunks[4]!.start + 300), 'backup_truncated'],
    ['a cut in the middle of a length field', (f) => f.subarray(0, layout(f).chunks[4]!.start + 2), 'backup_truncated'],
    ['a cut in the final chunk', (f) => f.subarray(0, f.length - 1), 'backup_truncated'],
    ['a cut in the header', (f) => f.subarray(0, MAGIC.length + 40), 'backup_truncated'],
    ['bytes appended after the final chunk', (f) => Buffer.concat([f, Buffer.from('extra')]), 'backup_corrupt'],
    ['one byte appended', (f) => Buffer.concat([f, Buffer.alloc(1)]), 'backup_corrupt'],
    ['the final chunk appended again', (f) => Buffer.concat([f, f.subarray(layout(f).chunks.at(-1)!.start)]), 'backup_corrupt'],
    ['a chunk from another archive with the same passphrase', (f, other) => spliceChunk(f, other, 3), 'backup_corrupt'],
  ];

  it.each(cases)('%s', async (_name, damage, code) => {
    const [file, other] = await archive();
    expect(layout(file).chunks.length).toBeGreaterThanOrEqual(9);
    const failure = await readFailure(damage(file, other));
    expect(failure.code).toBe(code);
    if (code === 'backup_truncated') expect(failure.message).toMatch(/^This backup file ends early: it was not written completely .* Use another backup file\.$/);
    if (code === 'backup_corrupt') expect(failure.message).toMatch(/^This backup file is damaged: .* Use another backup file\.$/);
  });

  it('yields only authenticated data before the damage', async () => {
    const [file] = await archive();
    const damaged = flipByte(file, layout(file).chunks[5]!.start + 50);
    const received: Buffer[] = [];
    await expect(
      (async () => {
        for await (const event of readArchive(inPieces(damaged), PASSPHRASE)) if (event.type === 'data') received.push(Buffer.from(event.data));
      })(),
    ).rejects.toMatchObject({ code: 'backup_corrupt', message: expect.stringContaining('chunk 5 failed its integrity check') });
    const prefix = Buffer.concat(received);
    expect(prefix.length).toBeLessThan(data.length);
    expect(prefix.equals(data.subarray(0, prefix.length))).toBe(true);
  });

});

function chunkBytes(file: Buffer): { head: Buffer; chunks: Buffer[] } {
  const { headerEnd, chunks } = layout(file);
  return { head: file.subarray(0, headerEnd), chunks: chunks.map((c) => file.subarray(c.start, c.end)) };
}
function dropChunk(file: Buffer, index: number): Buffer {
  const { head, chunks } = chunkBytes(file);
  return Buffer.concat([head, ...chunks.filter((_, i) => i !== index)]);
}
function swapChunks(file: Buffer, a: number, b: number): Buffer {
  const { head, chunks } = chunkBytes(file);
  [chunks[a], chunks[b]] = [chunks[b]!, chunks[a]!];
  return Buffer.concat([head, ...chunks]);
}
function spliceChunk(file: Buffer, other: Buffer, index: number): Buffer {
  const { head, chunks } = chunkBytes(file);
  chunks[index] = chunkBytes(other).chunks[index]!;
  return Buffer.concat([head, ...chunks]);
}
function duplicateChunk(file: Buffer, index: number): Buffer {
  const { head, chunks } = chunkBytes(file);
  chunks.splice(index, 0, chunks[index]!);
  return Buffer.concat([head, ...chunks]);
}

// Files that are not archives, and hostile ones

describe('files that are not archives', () => {
  it.each([
    ['an empty file', Buffer.alloc(0)],
    ['COPY text', Buffer.from('1\talice@example.com\tAlice\n2\tbob@example.com\tBob\n')],
    ['random bytes', randomBytes(4096)],
    ['the first bytes of the signature only', MAGIC.subarray(0, 5)],
    ['a gzip file', Buffer.from('1f8b0800000000000003030000000000000000', 'hex')],
  ])('refuses %s as not an archive', async (_name, file) => {
    await expect(readArchiveHeader(inPieces(file))).rejects.toMatchObject({ code: 'backup_not_an_archive' });
    expect((await readFailure(file)).code).toBe('backup_not_an_archive');
  });

  it('refuses a file on disk that is not an archive, by path', async () => {
    const file = path.join(root, 'notes.txt');
    fs.writeFileSync(file, 'not a backup\n');
    await expect(readArchiveHeader(file)).rejects.toMatchObject({ code: 'backup_not_an_archive', message: expect.stringContaining('not a Gatehouse backup') });
  });

  it('refuses a newer format as made by a newer Gatehouse', async () => {
    const file = Buffer.from(await writeArchive([]));
    file.writeUInt16BE(2, MAGIC.length);
    await expect(readArchiveHeader(inPieces(file))).rejects.toMatchObject({ code: 'backup_unsupported_format', message: expect.stringContaining('made by a newer Gatehouse') });
    expect((await readFailure(file)).code).toBe('backup_unsupported_format');
  });
});

describe('hostile headers', () => {
  let written: Promise<Buffer> | undefined;
  const archive = () => (written ??= writeArchive([{ kind: 'json', name: 'head', data: [Buffer.from('{}')] }]));

  it.each<[string, (header: Record<string, unknown>) => void, RegExp]>([
    ['4 TiB of argon2id memory', (h) => (h.kdf = { ...TEST_KDF, memoryCost: 2 ** 32 }), /memory 4294967296 KiB is outside/],
    ['1 GiB and 1 KiB of argon2id memory', (h) => (h.kdf = { ...TEST_KDF, memoryCost: 1024 * 1024 + 1 }), /memory .* is outside/],
    ['a million argon2id passes', (h) => (h.kdf = { ...TEST_KDF, timeCost: 1_000_000 }), /passes 1000000 are outside 1…10/],
    ['255 argon2id lanes', (h) => (h.kdf = { ...TEST_KDF, parallelism: 255, memoryCost: 8 * 255 }), /parallelism 255 is outside 1…16/],
    ['fractional argon2id memory', (h) => (h.kdf = { ...TEST_KDF, memoryCost: 8.5 }), /memory 8.5 KiB is outside/],
    ['another key derivation', (h) => (h.kdf = { ...TEST_KDF, algorithm: 'pbkdf2' }), /not argon2id/],
    ['no key derivation', (h) => delete h.kdf, /missing/],
    ['a chunk size of 16 MiB', (h) => (h.chunkSize = 16 * 1024 * 1024), /chunk size is invalid/],
    ['a short salt', (h) => (h.salt = Buffer.alloc(4).toString('base64')), /salt is invalid/],
    ['an unknown compression', (h) => (h.compression = 'zstd'), /compression is invalid/],
  ])('refuses a header that asks for %s, before deriving any key', async (_name, change, message) => {
    const file = rewriteHeader(await archive(), change);
    await expect(readArchiveHeader(inPieces(file))).rejects.toMatchObject({ code: 'backup_corrupt', message: expect.stringMatching(message) });
    expect((await readFailure(file)).code).toBe('backup_corrupt');
  });

  it('refuses a header length beyond 64 KiB without reading it', async () => {
    const file = Buffer.from(await archive());
    file.writeUInt32BE(0xffff_ffff, MAGIC.length + 2);
    await expect(readArchiveHeader(inPieces(file))).rejects.toMatchObject({ code: 'backup_corrupt', message: expect.stringContaining('claims 4294967295 bytes') });
  });
});

describe('hostile lengths', () => {
  /** Every size the reader asks Buffer.allocUnsafe for while `run` goes. */
  async function allocationsDuring(run: () => Promise<unknown>): Promise<number[]> {
    const sizes: number[] = [];
    const allocUnsafe = Buffer.allocUnsafe.bind(Buffer);
    vi.spyOn(Buffer, 'allocUnsafe').mockImplementation((size: number) => {
      sizes.push(size);
      return allocUnsafe(size);
    });
    await run();
    return sizes;
  }

  it('refuses a chunk length field of 2 GiB, without reading or allocating it', async () => {
    const chunkSize = 4096;
    const file = await writeArchive([{ kind: 'file', name: 'f', data: [randomBytes(20_000)] }], { compression: 'none', chunkSize });
    const target = layout(file).chunks[1]!;
    // Cut right after the hostile length field: a reader that trusted it would report the file as ended early.
    const hostile = Buffer.concat([file.subarray(0, target.start), Buffer.from([0x7f, 0xff, 0xff, 0xff])]);
    let failure: ArchiveError | undefined;
    const sizes = await allocationsDuring(async () => (failure = await readFailure(hostile)));
    expect(failure).toMatchObject({ code: 'backup_corrupt', message: expect.stringContaining('chunk 1 claims 2147483647 bytes, more than the 4096 of a chunk') });
    expect(Math.max(...sizes)).toBeLessThanOrEqual(chunkSize + TAG_BYTES);
  });

  it('refuses a chunk length one byte beyond the chunk size', async () => {
    const file = Buffer.from(await writeArchive([{ kind: 'file', name: 'f', data: [randomBytes(5000)] }], { compression: 'none', chunkSize: 1024 }));
    file.writeUInt32BE(1025, layout(file).chunks[0]!.start);
    expect(await readFailure(file)).toMatchObject({ code: 'backup_corrupt', message: expect.stringContaining('claims 1025 bytes') });
  });

  // Streams that authenticate (sealed with the right key) but that no Gatehouse writer makes.
  async function sealedArchive(records: Buffer, options: { final?: boolean; compression?: 'none' | 'deflate-raw' } = {}): Promise<Buffer> {
    const chunkSize = 1024;
    const salt = randomBytes(16);
    const noncePrefix = randomBytes(7);
    const keys = await deriveArchiveKey(PASSPHRASE, salt, TEST_KDF);
    const header: ArchiveHeader = { format: 1, ...META, kdf: TEST_KDF, compression: options.compression ?? 'none', chunkSize, salt: salt.toString('base64'), noncePrefix: noncePrefix.toString('base64'), keyCheck: keys.keyCheck.toString('base64') };
    const encoded = encodeHeader(header);
    const frames: Buffer[] = [encoded.bytes];
    const sealer = new ChunkSealer({ key: keys.encryptionKey, noncePrefix, headerDigest: encoded.digest }, (frame) => frames.push(...frame));
    for (let offset = 0; offset < records.length; offset += chunkSize) {
      const last = offset + chunkSize >= records.length;
      sealer.seal(records.subarray(offset, offset + chunkSize), last && options.final !== false);
    }
    return Buffer.concat(frames);
  }
  const begin = (name = 'f') => jsonRecord(RecordType.begin, { kind: 'file', name, info: {} });
  const end = () => jsonRecord(RecordType.end, { summary: {} });
  const archiveEnd = (entries: number) => jsonRecord(RecordType.archiveEnd, { entries });

  it('reads a hand-sealed archive (the helper below makes valid archives)', async () => {
    const file = await sealedArchive(Buffer.concat([begin(), recordHead(RecordType.data, 3), Buffer.from('abc'), end(), archiveEnd(1)]));
    expect(await readEntries(inPieces(file))).toEqual([{ kind: 'file', name: 'f', info: {}, data: [Buffer.from('abc')], summary: {} }]);
  });

  it.each<[string, () => Buffer, RegExp]>([
    ['a JSON record that claims 1 GiB', () => Buffer.concat([recordHead(RecordType.begin, 2 ** 30), Buffer.alloc(100)]), /a JSON record claims 1073741824 bytes/],
    ['a data record that claims 4 GiB', () => Buffer.concat([begin(), recordHead(RecordType.data, 0xffff_ffff), Buffer.alloc(100)]), /a data record claims 4294967295 bytes/],
    ['data outside an entry', () => Buffer.concat([recordHead(RecordType.data, 1), Buffer.from('x'), archiveEnd(0)]), /data outside an entry/],
    ['an entry that never ends', () => Buffer.concat([begin(), begin('g')]), /an entry does not end/],
    ['an unknown record type', () => Buffer.concat([recordHead(0x51 as never, 0), archiveEnd(0)]), /unknown record type 81/],
    ['an entry of unknown kind', () => Buffer.concat([jsonRecord(RecordType.begin, { kind: 'script', name: 'x', info: {} }), end(), archiveEnd(1)]), /unknown kind/],
    ['records after the end record', () => Buffer.concat([archiveEnd(0), begin()]), /records after its end record/],
    ['an end record that miscounts the entries', () => Buffer.concat([begin(), end(), archiveEnd(2)]), /counts 2 entries/],
    ['no end record before the final chunk', () => Buffer.concat([begin(), end()]), /stops before the end record/],
  ])('refuses %s, without allocating for it', async (_name, records, message) => {
    const file = await sealedArchive(records());
    let failure: ArchiveError | undefined;
    const sizes = await allocationsDuring(async () => (failure = await readFailure(file)));
    expect(failure).toMatchObject({ code: 'backup_corrupt', message: expect.stringMatching(message) });
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1024 + TAG_BYTES);
  });

  it('refuses data after the end of the deflate stream', async () => {
    const deflated = deflateRawSync(Buffer.concat([begin(), end(), archiveEnd(1)]));
    const file = await sealedArchive(Buffer.concat([deflated, Buffer.from('more')]), { compression: 'deflate-raw' });
    expect(await readFailure(file)).toMatchObject({ code: 'backup_corrupt', message: expect.stringContaining('data after the end of its compressed stream') });
  });

  it('refuses a deflate stream that does not inflate, or stops short of its last block', async () => {
    const garbage = await sealedArchive(randomBytes(3000), { compression: 'deflate-raw' });
    expect(await readFailure(garbage)).toMatchObject({ code: 'backup_corrupt', message: expect.stringContaining('does not inflate') });
    const deflated = deflateRawSync(Buffer.concat([begin(), recordHead(RecordType.data, 5000), randomBytes(5000), end(), archiveEnd(1)]));
    const cut = await sealedArchive(deflated.subarray(0, deflated.length - 100), { compression: 'deflate-raw' });
    expect((await readFailure(cut)).code).toBe('backup_corrupt');
  });

  it('reports a stream without its final chunk as truncated, whatever the records say', async () => {
    const file = await sealedArchive(Buffer.concat([begin(), end(), archiveEnd(1)]), { final: false });
    expect((await readFailure(file)).code).toBe('backup_truncated');
  });
});

// Leaving early, and streams that are not bytes

describe('the input stream', () => {
  const smallArchive = (compression: 'none' | 'deflate-raw') =>
    writeArchive([{ kind: 'file', name: 'f.bin', data: [randomBytes(30_000)] }], { compression, chunkSize: 1024 });

  it.each(COMPRESSIONS)('is destroyed at once when the consumer stops early, even while the reader waits on a stalled stream (compression %s)', async (compression) => {
    const file = await smallArchive(compression);
    // Half the file, and the stream stays open: the inflater's feeding loop reads ahead and waits on it.
    const input = new PassThrough();
    input.write(file.subarray(0, file.length >> 1));
    const consumer = (async () => {
      for await (const event of readArchive(input, PASSPHRASE)) {
        if (event.type !== 'data') continue;
        // Everything written so far is read by now; the feeding loop (deflate-raw) waits for more.
        await new Promise((resolve) => setTimeout(resolve, 100));
        break;
      }
      return 'returned';
    })();
    // Before the fix this never returned (the test's own timeout failed it).
    const outcome = await consumer;
    const destroyed = input.destroyed;
    input.destroy();
    expect(outcome).toBe('returned');
    expect(destroyed).toBe(true);
  });

  it('is refused when it yields text (an encoding was set), not reported as a damaged file', async () => {
    const file = await smallArchive('none');
    const input = new PassThrough();
    input.setEncoding('latin1');
    input.end(file);
    await expect(readEntries(input)).rejects.toThrow(/without an encoding/);
    const header = new PassThrough();
    header.setEncoding('utf8');
    header.end(file);
    await expect(readArchiveHeader(header)).rejects.toThrow(/without an encoding/);
  });
});

// Backpressure

describe('backpressure', () => {
  it.each(COMPRESSIONS.flatMap((compression) => [[compression, 'slow'], [compression, 'fast']] as const))(
    'holds at most a few chunks, whatever the output speed (compression %s, %s output)',
    async (compression, speed) => {
      const chunkSize = 16 * 1024;
      const highWaterMark = 16 * 1024;
      const chunkOnDisk = chunkSize + 4 + TAG_BYTES;
      let maxBuffered = 0;
      const output = new Writable({
        highWaterMark,
        write(_chunk: Buffer, _encoding, done) {
          maxBuffered = Math.max(maxBuffered, output.writableLength);
          // A slow disk completes each write a turn of the event loop later; a fast one at once.
          if (speed === 'slow') setImmediate(done);
          else done();
        },
      });
      const writer = await ArchiveWriter.create({ output, passphrase: PASSPHRASE, meta: META, kdf: TEST_KDF, compression, chunkSize });
      await writer.beginEntry('file', 'big.bin');
      let maxHeld = 0;
      for (let i = 0; i < 24; i++) {
        // 256 KiB at a time, random so that deflate cannot shrink it: sixteen chunks per call.
        await writer.write(randomBytes(256 * 1024));
        expect(output.writableNeedDrain).toBe(false);
        // Data given to the writer and not yet given to the output is what the writer holds (and zlib for it).
        maxHeld = Math.max(maxHeld, writer.plaintextBytes - writer.bytesWritten);
      }
      await writer.endEntry();
      await writer.finish();
      expect(writer.plaintextBytes).toBe(24 * 256 * 1024);
      expect(maxHeld).toBeLessThanOrEqual(2 * chunkSize);
      expect(maxBuffered).toBeGreaterThan(0);
      expect(maxBuffered).toBeLessThanOrEqual(highWaterMark + 3 * chunkOnDisk);
    },
  );

  it('rejects when the output fails, and stays failed', async () => {
    let accepted = 0;
    const output = new Writable({
      write(chunk: Buffer, _encoding, done) {
        accepted += chunk.length;
        done(accepted > 10_000 ? new Error('disk full') : null);
      },
    });
    const writer = await ArchiveWriter.create({ output, passphrase: PASSPHRASE, meta: META, kdf: TEST_KDF, compression: 'none', chunkSize: 1024 });
    const writeAll = async () => {
      await writer.beginEntry('file', 'f');
      await writer.write(randomBytes(64 * 1024));
      await writer.endEntry();
      await writer.finish();
    };
    await expect(writeAll()).rejects.toThrow('disk full');
    await expect(writer.finish()).rejects.toThrow('disk full');
  });
});

describe('writer misuse', () => {
  async function newWriter() {
    return ArchiveWriter.create({ output: memoryOutput().output, passphrase: PASSPHRASE, meta: META, kdf: TEST_KDF });
  }

  it('refuses data outside an entry, a second open entry, and finishing inside an entry', async () => {
    const writer = await newWriter();
    await expect(writer.write(Buffer.from('x'))).rejects.toThrow('no entry is open');
    await writer.beginEntry('table', 't');
    await expect(writer.beginEntry('table', 'u')).rejects.toThrow('still open');
    await expect(writer.finish()).rejects.toThrow('an entry is still open');
    await writer.endEntry();
    await writer.finish();
    await expect(writer.beginEntry('table', 'v')).rejects.toThrow('finished');
  });

  it('refuses entry info larger than a reader accepts', async () => {
    const writer = await newWriter();
    await expect(writer.beginEntry('json', 'big', { blob: 'x'.repeat(1024 * 1024) })).rejects.toThrow(RangeError);
  });

  it('refuses what a reader would refuse: an unknown entry kind, an empty name, a meta field of 257 characters', async () => {
    const writer = await newWriter();
    await expect(writer.beginEntry('script' as EntryKind, 'x')).rejects.toThrow('unknown kind');
    await expect(writer.beginEntry('file', '')).rejects.toThrow(RangeError);
    await expect(ArchiveWriter.create({ output: memoryOutput().output, passphrase: PASSPHRASE, meta: { ...META, appVersion: 'x'.repeat(257) }, kdf: TEST_KDF })).rejects.toThrow('meta.appVersion');
  });

  it('refuses KDF parameters beyond the reader limits', async () => {
    await expect(ArchiveWriter.create({ output: memoryOutput().output, passphrase: PASSPHRASE, meta: META, kdf: { ...TEST_KDF, timeCost: 11 } })).rejects.toThrow(RangeError);
  });
});
