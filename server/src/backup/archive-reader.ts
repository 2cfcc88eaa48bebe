// Reads an archive: header, key check, then the chunks' plaintext (inflated if the header says so) as entry events.
// It pulls the input as an async iterator and yields as it goes, so memory stays flat whatever the archive's size.
import { timingSafeEqual } from 'node:crypto';
import { createInflateRaw, type InflateRaw } from 'node:zlib';
import { ByteReader } from './archive-bytes.ts';
import { openChunks } from './archive-chunks.ts';
import { ArchiveError, corrupt, wrongPassphrase } from './archive-errors.ts';
import { decodeHeader } from './archive-header.ts';
import { deriveArchiveKey } from './archive-key.ts';
import { RecordParser, type ArchiveEvent } from './archive-records.ts';

/**
 * The archive's entries as events, header first. Every byte yielded has been authenticated; damage throws an ArchiveError.
 * The generator returns only once the final chunk was seen with nothing after it: a restore commits after the last event, not before.
 */
export async function* readArchive(input: NodeJS.ReadableStream, passphrase: string): AsyncGenerator<ArchiveEvent> {
  const bytes = new ByteReader(input);
  try {
    const { header, digest } = await decodeHeader(bytes);
    const keys = await deriveArchiveKey(passphrase, Buffer.from(header.salt, 'base64'), header.kdf);
    // A subkey of its own (RFC 5869 §3.2), compared in constant time: a wrong passphrase is told apart from a damaged file.
    if (!timingSafeEqual(keys.keyCheck, Buffer.from(header.keyCheck, 'base64'))) throw wrongPassphrase();
    const chunkKeys = { key: keys.encryptionKey, noncePrefix: Buffer.from(header.noncePrefix, 'base64'), headerDigest: digest };
    const chunks = openChunks(bytes, chunkKeys, header.chunkSize);
    const plaintext = header.compression === 'deflate-raw' ? inflateRaw(chunks) : chunks;
    const records = new RecordParser();
    for await (const piece of plaintext) yield* records.feed(piece);
    records.finish();
  } finally {
    await bytes.close();
  }
}

/**
 * Inflates the record stream as the consumer pulls it. zlib pauses while its output is unread, so a small chunk
 * that would inflate to gigabytes (a deflate bomb) is never held whole.
 */
async function* inflateRaw(chunks: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
  const inflater = createInflateRaw();
  // Whether the inflater was read to its end; when the consumer stops early or fails, the feeding stops too.
  const progress = { inflatedToEnd: false };
  let fed = 0;
  const feeding = (async () => {
    for await (const chunk of chunks) {
      if (inflater.destroyed) {
        if (!progress.inflatedToEnd) return;
        // zlib ends at the end of the deflate stream and drops what follows: there must be nothing.
        if (chunk.length > 0) throw corrupt('it has data after the end of its compressed stream');
        continue;
      }
      fed += chunk.length;
      if (!inflater.write(chunk)) await drainedOrClosed(inflater);
    }
    if (!inflater.destroyed) inflater.end();
  })();
  // A failing chunk (damaged, truncated) fails the inflater, and so the loop below, with the chunk's own error.
  feeding.catch((error: unknown) => inflater.destroy(error as Error));
  try {
    for await (const piece of inflater) yield piece as Buffer;
    progress.inflatedToEnd = true;
  } catch (error) {
    throw error instanceof ArchiveError ? error : corrupt('its compressed data does not inflate', error);
  } finally {
    inflater.destroy();
  }
  // The rest of the chunks, each authenticated, up to the final one.
  await feeding;
  if (inflater.bytesWritten !== fed) throw corrupt('it has data after the end of its compressed stream');
}

function drainedOrClosed(stream: InflateRaw): Promise<void> {
  if (stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}
