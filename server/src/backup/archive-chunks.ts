// The encrypted layer: STREAM (Hoang, Reyhanitabar, Rogaway, Vizár, "Online Authenticated-Encryption and its
// Nonce-Reuse Misuse-Resistance", CRYPTO 2015, §7) over AES-256-GCM.
// Chunk i is sealed under nonce = random prefix (7) ‖ i (u32 BE) ‖ final flag (1), with the header's SHA-256 as AAD.
// On disk, each chunk is: u32 BE (bit 31: final; bits 0–30: ciphertext length) ‖ ciphertext ‖ GCM tag (16).
import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { ByteReader } from './archive-bytes.ts';
import { corrupt, truncated } from './archive-errors.ts';

export const TAG_BYTES = 16;
const LENGTH_BYTES = 4;
const FINAL_BIT = 0x8000_0000;
const LENGTH_MASK = 0x7fff_ffff;
/** The counter is 32 bits: 2^32 chunks of up to 1 MiB, far beyond any backup. */
const MAX_CHUNKS = 2 ** 32;

export interface ChunkKeys {
  key: Buffer;
  noncePrefix: Buffer;
  /** SHA-256 of the header's bytes. */
  headerDigest: Buffer;
}

function chunkNonce(noncePrefix: Buffer, counter: number, final: boolean): Buffer {
  // STREAM: a nonce per position, and a distinct one for the last chunk, so reordering and truncation fail authentication.
  if (counter >= MAX_CHUNKS) throw new RangeError('the archive has more chunks than its 32-bit counter can number');
  const nonce = Buffer.alloc(12);
  noncePrefix.copy(nonce, 0);
  nonce.writeUInt32BE(counter, 7);
  nonce[11] = final ? 1 : 0;
  return nonce;
}

/** Seals chunks in order and hands each one's bytes on, as [length field, ciphertext, tag]. */
export class ChunkSealer {
  private counter = 0;

  constructor(
    private readonly keys: ChunkKeys,
    private readonly emit: (frame: Buffer[]) => void,
  ) {}

  seal(plaintext: Buffer, final: boolean): void {
    const cipher = createCipheriv('aes-256-gcm', this.keys.key, chunkNonce(this.keys.noncePrefix, this.counter++, final));
    cipher.setAAD(this.keys.headerDigest);
    // GCM is a stream mode: update() returns every byte, final() none.
    const ciphertext = cipher.update(plaintext);
    cipher.final();
    const lengthField = Buffer.alloc(LENGTH_BYTES);
    lengthField.writeUInt32BE((final ? FINAL_BIT : 0) + ciphertext.length, 0);
    this.emit([lengthField, ciphertext, cipher.getAuthTag()]);
  }
}

/**
 * Packs a byte stream into blocks of `blockSize` and hands each full block to `onBlock`.
 * The block's memory is reused once `onBlock` returns, so the packer holds one block however much passes through.
 */
export class BlockPacker {
  private readonly block: Buffer;
  private filled = 0;

  constructor(
    blockSize: number,
    private readonly onBlock: (block: Buffer) => void,
  ) {
    this.block = Buffer.allocUnsafe(blockSize);
  }

  push(data: Buffer): void {
    let offset = 0;
    while (offset < data.length) {
      const copied = data.copy(this.block, this.filled, offset);
      offset += copied;
      this.filled += copied;
      if (this.filled === this.block.length) {
        this.onBlock(this.block);
        this.filled = 0;
      }
    }
  }

  /** The bytes not yet handed on (fewer than a block), emptied. Valid until the next `push`. */
  takeRemainder(): Buffer {
    const remainder = this.block.subarray(0, this.filled);
    this.filled = 0;
    return remainder;
  }
}

/**
 * The plaintext of each chunk, in order, each yielded only once its tag is verified.
 * Ends only after the final chunk, with nothing after it; throws `backup_truncated` when the file ends before that.
 */
export async function* openChunks(bytes: ByteReader, keys: ChunkKeys, chunkSize: number): AsyncGenerator<Buffer> {
  for (let counter = 0; ; counter++) {
    const lengthField = await bytes.read(LENGTH_BYTES);
    // STREAM: the last chunk is marked final; a file that ends without one was cut short, even at a chunk boundary.
    if (lengthField.length < LENGTH_BYTES) throw truncated();
    const word = lengthField.readUInt32BE(0);
    const final = (word & FINAL_BIT) !== 0;
    const length = word & LENGTH_MASK;
    // Bounded before it is read: never allocate more than chunkSize + tag for a chunk, whatever the length field says.
    if (length > chunkSize) throw corrupt(`chunk ${counter} claims ${length} bytes, more than the ${chunkSize} of a chunk`);
    const body = await bytes.read(length + TAG_BYTES);
    if (body.length < length + TAG_BYTES) throw truncated();
    if (counter >= MAX_CHUNKS) throw corrupt('it has more chunks than a backup can have');
    const decipher = createDecipheriv('aes-256-gcm', keys.key, chunkNonce(keys.noncePrefix, counter, final));
    // The header's digest is the AAD of every chunk: a changed header fails the first chunk.
    decipher.setAAD(keys.headerDigest);
    decipher.setAuthTag(body.subarray(length));
    const plaintext = decipher.update(body.subarray(0, length));
    try {
      decipher.final();
    } catch (error) {
      throw corrupt(`chunk ${counter} failed its integrity check (changed, moved, or from another file)`, error);
    }
    yield plaintext;
    if (final) {
      // STREAM: nothing may follow the final chunk.
      if (!(await bytes.atEnd())) throw corrupt('there are bytes after its final chunk');
      return;
    }
  }
}
