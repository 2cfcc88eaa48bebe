// Exact-length reads from a stream that arrives in pieces of any size.
// It pulls one piece at a time from the stream's async iterator, so it holds at most the bytes asked for plus one piece.

export class ByteReader {
  private readonly input: NodeJS.ReadableStream;
  private readonly source: AsyncIterator<string | Buffer>;
  private pieces: Buffer[] = [];
  private buffered = 0;
  private ended = false;

  constructor(input: NodeJS.ReadableStream) {
    this.input = input;
    this.source = input[Symbol.asyncIterator]();
  }

  /** Exactly `length` bytes, or fewer when the stream ends first. The caller bounds `length`: it is allocated whole. */
  async read(length: number): Promise<Buffer> {
    while (this.buffered < length && (await this.pull()));
    const size = Math.min(length, this.buffered);
    const first = this.pieces[0];
    if (first && first.length >= size) {
      this.consume(size);
      return first.subarray(0, size);
    }
    const out = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const piece = this.pieces[0]!;
      const taken = piece.copy(out, filled, 0, size - filled);
      filled += taken;
      this.consume(taken);
    }
    return out;
  }

  /** True when the stream has no bytes left. */
  async atEnd(): Promise<boolean> {
    while (this.buffered === 0 && (await this.pull()));
    return this.buffered === 0;
  }

  /**
   * Stops reading: the stream is destroyed (its iterator returns). A read still waiting for the stream (the inflater's
   * feeding loop runs ahead of the consumer) is woken by the destroy and fails, instead of holding the iterator's
   * return until the stream sends more, which a stalled stream never does.
   */
  async close(): Promise<void> {
    this.pieces = [];
    this.buffered = 0;
    if (!this.ended) {
      this.ended = true;
      const stream = this.input as NodeJS.ReadableStream & { destroy?: () => void };
      stream.destroy?.();
      await this.source.return?.();
    }
  }

  private async pull(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.source.next();
    // Closed while this read waited: what arrived is dropped.
    if (this.ended) return false;
    if (next.done) {
      this.ended = true;
      return false;
    }
    // A stream with an encoding set hands out decoded text, which cannot be turned back into the file's bytes:
    // re-encoding it would report a sound archive as damaged.
    if (typeof next.value === 'string') throw new TypeError('the archive stream yields text: read it without an encoding (do not call setEncoding on it)');
    const piece = next.value;
    this.pieces.push(piece);
    this.buffered += piece.length;
    return true;
  }

  private consume(length: number): void {
    this.buffered -= length;
    let left = length;
    while (left > 0) {
      const piece = this.pieces[0]!;
      if (piece.length > left) {
        this.pieces[0] = piece.subarray(left);
        return;
      }
      left -= piece.length;
      this.pieces.shift();
    }
  }
}
