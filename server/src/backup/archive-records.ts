// The plaintext layer: a stream of records that frame the archive's entries.
//   record = type (1) ‖ length (u32 BE) ‖ payload
//   B: an entry begins, JSON { kind, name, info }   D: entry data, raw bytes   E: the entry ends, JSON { summary }
//   Z: the archive ends, JSON { entries }
// Every record is bounded, so even a stream that authenticates (a writer with the passphrase) cannot make the reader buffer without limit.
import { corrupt } from './archive-errors.ts';

export type EntryKind = 'json' | 'table' | 'file';

export type ArchiveEvent =
  | { type: 'begin'; kind: EntryKind; name: string; info: Record<string, unknown> }
  | { type: 'data'; data: Buffer }
  | { type: 'end'; summary: Record<string, unknown> };

export const RecordType = { begin: 0x42, data: 0x44, end: 0x45, archiveEnd: 0x5a } as const;
type RecordTypeByte = (typeof RecordType)[keyof typeof RecordType];

export const RECORD_HEAD_BYTES = 5;
/** JSON records (an entry's info or summary) are small; 1 MiB is far more than any needs. */
export const MAX_JSON_RECORD = 1024 * 1024;
/** The writer cuts data into records of at most a chunk (≤ 1 MiB); the reader streams them out as they arrive anyway. */
export const MAX_DATA_RECORD = 1024 * 1024;
const MAX_NAME_LENGTH = 4096;
const ENTRY_KINDS: readonly string[] = ['json', 'table', 'file'] satisfies EntryKind[];

/** Null when an entry's kind and name are acceptable (to the reader, so the writer checks them too), else what is wrong. */
export function entryProblem(kind: unknown, name: unknown): string | null {
  if (typeof kind !== 'string' || !ENTRY_KINDS.includes(kind)) return 'an entry of unknown kind';
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH) return `an entry name of 0 or more than ${MAX_NAME_LENGTH} characters`;
  return null;
}

export function recordHead(type: RecordTypeByte, length: number): Buffer {
  const head = Buffer.allocUnsafe(RECORD_HEAD_BYTES);
  head[0] = type;
  head.writeUInt32BE(length, 1);
  return head;
}

/** A whole JSON record; throws RangeError when the value is beyond what a reader accepts. */
export function jsonRecord(type: RecordTypeByte, value: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(value));
  if (json.length > MAX_JSON_RECORD) throw new RangeError(`an archive record's JSON is ${json.length} bytes, more than ${MAX_JSON_RECORD}`);
  return Buffer.concat([recordHead(type, json.length), json]);
}

interface OpenRecord {
  type: RecordTypeByte;
  remaining: number;
  /** The JSON payload being gathered; data records are passed on as they arrive instead. */
  json?: Buffer;
}

/** Turns the record stream, in pieces of any size, into archive events, checking the records' order as it goes. */
export class RecordParser {
  private readonly head = Buffer.alloc(RECORD_HEAD_BYTES);
  private headFilled = 0;
  private record: OpenRecord | null = null;
  private inEntry = false;
  private entries = 0;
  private ended = false;

  *feed(piece: Buffer): Generator<ArchiveEvent> {
    let offset = 0;
    while (offset < piece.length) {
      if (this.ended) throw corrupt('it has records after its end record');
      if (!this.record) {
        const copied = piece.copy(this.head, this.headFilled, offset, offset + RECORD_HEAD_BYTES - this.headFilled);
        this.headFilled += copied;
        offset += copied;
        if (this.headFilled < RECORD_HEAD_BYTES) return;
        this.headFilled = 0;
        this.record = this.openRecord(this.head[0]!, this.head.readUInt32BE(1));
      } else {
        const taken = Math.min(this.record.remaining, piece.length - offset);
        const part = piece.subarray(offset, offset + taken);
        if (this.record.json) part.copy(this.record.json, this.record.json.length - this.record.remaining);
        else if (taken > 0) yield { type: 'data', data: part };
        this.record.remaining -= taken;
        offset += taken;
      }
      if (this.record.remaining === 0) {
        const event = this.closeRecord(this.record);
        this.record = null;
        if (event) yield event;
      }
    }
  }

  /** Throws unless the stream ended with the archive's end record. */
  finish(): void {
    if (!this.ended) throw corrupt('its record stream stops before the end record');
  }

  private openRecord(type: number, length: number): OpenRecord {
    const malformed = (what: string) => corrupt(`its record stream is malformed (${what})`);
    switch (type) {
      case RecordType.data:
        if (!this.inEntry) throw malformed('data outside an entry');
        // Bounded though the bytes are streamed on, so a length field cannot claim gigabytes.
        if (length > MAX_DATA_RECORD) throw malformed(`a data record claims ${length} bytes, more than ${MAX_DATA_RECORD}`);
        return { type, remaining: length };
      case RecordType.begin:
      case RecordType.end:
      case RecordType.archiveEnd:
        if (this.inEntry !== (type === RecordType.end)) throw malformed(type === RecordType.end ? 'an entry ends that did not begin' : 'an entry does not end');
        // Bounded before the buffer is allocated: a JSON record is gathered whole.
        if (length > MAX_JSON_RECORD) throw malformed(`a JSON record claims ${length} bytes, more than ${MAX_JSON_RECORD}`);
        return { type, remaining: length, json: Buffer.allocUnsafe(length) };
      default:
        throw malformed(`unknown record type ${type}`);
    }
  }

  private closeRecord(record: OpenRecord): ArchiveEvent | null {
    if (!record.json) return null;
    const malformed = (what: string) => corrupt(`its record stream is malformed (${what})`);
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(record.json.toString('utf8')) as Record<string, unknown>;
    } catch (error) {
      throw corrupt('its record stream is malformed (a JSON record does not parse)', error);
    }
    if (!isPlainObject(value)) throw malformed('a JSON record is not an object');
    if (record.type === RecordType.begin) {
      const { kind, name, info } = value;
      const problem = entryProblem(kind, name);
      if (problem) throw malformed(problem);
      if (!isPlainObject(info)) throw malformed("an entry's info is not an object");
      this.inEntry = true;
      this.entries++;
      return { type: 'begin', kind: kind as EntryKind, name: name as string, info };
    }
    if (record.type === RecordType.end) {
      if (!isPlainObject(value.summary)) throw malformed("an entry's summary is not an object");
      this.inEntry = false;
      return { type: 'end', summary: value.summary };
    }
    if (value.entries !== this.entries) throw malformed(`the end record counts ${String(value.entries)} entries, the archive has ${this.entries}`);
    this.ended = true;
    return null;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
