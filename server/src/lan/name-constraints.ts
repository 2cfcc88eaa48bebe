// The LAN CA's name constraints extension (RFC 5280 §4.2.1.10), encoded and read here in DER by hand:
// @peculiar/x509 2 has no class for it. A root installed on a phone vouches for every name it may sign; with these
// constraints a stolen CA key can impersonate only the Gatehouse host name and private addresses, never a bank's
// or a mail provider's site. Browsers and OpenSSL enforce the constraints on every certificate below the CA.
import { addressBytes } from './addresses.ts';

export const NAME_CONSTRAINTS_OID = '2.5.29.30';

export interface PermittedNames {
  /** DNS names; by RFC 5280 §4.2.1.10 each also permits its subdomains. */
  dnsNames: string[];
  ipRanges: Array<{ address: string; prefix: number }>;
}

const SEQUENCE = 0x30;
const PERMITTED_SUBTREES = 0xa0; // [0] IMPLICIT, constructed
const DNS_NAME = 0x82; // GeneralName dNSName [2] IMPLICIT IA5String
const IP_ADDRESS = 0x87; // GeneralName iPAddress [7] IMPLICIT OCTET STRING

/** The DER of NameConstraints { permittedSubtrees } (no excluded subtrees). */
export function encodeNameConstraints(permitted: PermittedNames): Buffer {
  const subtrees = [
    ...permitted.dnsNames.map((name) => tlv(DNS_NAME, Buffer.from(name.toLowerCase(), 'ascii'))),
    // RFC 5280 §4.2.1.10: an iPAddress constraint is the address followed by its mask (8 or 32 octets).
    ...permitted.ipRanges.map((range) => {
      const address = addressBytes(range.address);
      return tlv(IP_ADDRESS, Buffer.concat([address, maskBytes(range.prefix, address.length)]));
    }),
  ].map((base) => tlv(SEQUENCE, base)); // GeneralSubtree: minimum (DEFAULT 0) and maximum are left out, as DER requires.
  return tlv(SEQUENCE, tlv(PERMITTED_SUBTREES, Buffer.concat(subtrees)));
}

/** Reads the permitted subtrees of a NameConstraints value (the DNS names and IP ranges; other name forms are skipped). */
export function decodeNameConstraints(der: Uint8Array): PermittedNames {
  const permitted: PermittedNames = { dnsNames: [], ipRanges: [] };
  const outer = readTlv(Buffer.from(der), 0);
  if (outer.tag !== SEQUENCE) throw new Error('name constraints: not a SEQUENCE');
  for (const part of children(outer.content)) {
    if (part.tag !== PERMITTED_SUBTREES) continue;
    for (const subtree of children(part.content)) {
      const [base] = children(subtree.content);
      if (base?.tag === DNS_NAME) permitted.dnsNames.push(base.content.toString('ascii'));
      if (base?.tag === IP_ADDRESS) permitted.ipRanges.push(rangeOf(base.content));
    }
  }
  return permitted;
}

/** RFC 5280 §4.2.1.10: a DNS name satisfies a constraint when it equals it or adds labels on its left. */
export function permitsDnsName(permitted: PermittedNames, name: string): boolean {
  const lower = name.toLowerCase();
  return permitted.dnsNames.some((constraint) => lower === constraint.toLowerCase() || lower.endsWith(`.${constraint.toLowerCase()}`));
}

function maskBytes(prefix: number, length: number): Buffer {
  const mask = Buffer.alloc(length);
  for (let bit = 0; bit < prefix; bit++) mask[bit >> 3]! |= 0x80 >> (bit & 7);
  return mask;
}

function rangeOf(octets: Buffer): { address: string; prefix: number } {
  const half = octets.length / 2;
  const address = octets.subarray(0, half);
  const prefix = [...octets.subarray(half)].reduce((bits, byte) => bits + popcount(byte), 0);
  if (half === 4) return { address: [...address].join('.'), prefix };
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(address.readUInt16BE(i).toString(16));
  // The full form; compared by bytes wherever it matters, so no :: compression is needed.
  return { address: groups.join(':'), prefix };
}

function popcount(byte: number): number {
  let count = 0;
  for (let b = byte; b; b >>= 1) count += b & 1;
  return count;
}

function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length;
  let header: number[];
  if (length < 0x80) header = [tag, length];
  else if (length < 0x100) header = [tag, 0x81, length];
  else if (length < 0x10000) header = [tag, 0x82, length >> 8, length & 0xff];
  else throw new RangeError('name constraints too long');
  return Buffer.concat([Buffer.from(header), content]);
}

function readTlv(buffer: Buffer, offset: number): { tag: number; content: Buffer; next: number } {
  const tag = buffer[offset];
  let length = buffer[offset + 1];
  if (tag === undefined || length === undefined) throw new Error('name constraints: truncated');
  let start = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets < 1 || octets > 2) throw new Error('name constraints: unsupported length');
    length = buffer.readUIntBE(start, octets);
    start += octets;
  }
  if (start + length > buffer.length) throw new Error('name constraints: truncated');
  return { tag, content: buffer.subarray(start, start + length), next: start + length };
}

function children(content: Buffer): Array<{ tag: number; content: Buffer }> {
  const found: Array<{ tag: number; content: Buffer }> = [];
  for (let offset = 0; offset < content.length; ) {
    const child = readTlv(content, offset);
    found.push(child);
    offset = child.next;
  }
  return found;
}
