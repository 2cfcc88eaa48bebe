// Which addresses the LAN certificate names: this machine's addresses in private ranges, and loopback.
// The CA may vouch for nothing else (name-constraints.ts), so a public address is left out and said so in status.
import net from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';

export interface IpRange {
  address: string;
  prefix: number;
  /** Why the range is allowed, for docs and status. */
  why: string;
}

/** The address ranges the LAN CA may sign for (its iPAddress name constraints). */
export const PERMITTED_IP_RANGES: readonly IpRange[] = [
  { address: '127.0.0.1', prefix: 32, why: 'this machine (loopback)' },
  { address: '10.0.0.0', prefix: 8, why: 'private network (RFC 1918)' },
  { address: '172.16.0.0', prefix: 12, why: 'private network (RFC 1918)' },
  { address: '192.168.0.0', prefix: 16, why: 'private network (RFC 1918)' },
  { address: '100.64.0.0', prefix: 10, why: 'shared address space (RFC 6598), used by carrier NAT and Tailscale' },
  { address: '::1', prefix: 128, why: 'this machine (IPv6 loopback)' },
  { address: 'fc00::', prefix: 7, why: 'IPv6 unique local addresses (RFC 4193)' },
];

/** Always in the certificate, so the machine itself (and tests) can reach the LAN listener by loopback. */
export const LOOPBACK_NAMES = { dns: 'localhost', addresses: ['127.0.0.1', '::1'] } as const;

const permitted = new net.BlockList();
for (const range of PERMITTED_IP_RANGES) permitted.addSubnet(range.address, range.prefix, net.isIPv6(range.address) ? 'ipv6' : 'ipv4');

export function isPermittedAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return false;
  return permitted.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

export interface LanAddresses {
  /** Non-internal addresses in the permitted ranges, IPv4 first, each once. */
  named: string[];
  /** Non-internal addresses the certificate cannot name (public, link-local), for status. */
  leftOut: string[];
}

/** Sorts this machine's interface addresses (os.networkInterfaces()) into those the certificate names and the rest. */
export function lanAddresses(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): LanAddresses {
  const named = new Set<string>();
  const leftOut = new Set<string>();
  for (const address of Object.values(interfaces).flat()) {
    if (!address || address.internal) continue;
    (isPermittedAddress(address.address) ? named : leftOut).add(address.address);
  }
  const byFamily = (a: string, b: string) => net.isIP(a) - net.isIP(b) || a.localeCompare(b);
  return { named: [...named].sort(byFamily), leftOut: [...leftOut].sort(byFamily) };
}

/** The addresses a server certificate names: loopback first, then the LAN ones, each once. */
export function certificateAddresses(named: readonly string[]): string[] {
  return [...new Set([...LOOPBACK_NAMES.addresses, ...named])];
}

/** The 4 or 16 bytes of an IP address. */
export function addressBytes(address: string): Buffer {
  if (net.isIPv4(address)) return Buffer.from(address.split('.').map(Number));
  if (!net.isIPv6(address)) throw new RangeError(`not an IP address: ${address}`);
  const [head = '', tail] = address.split('::') as [string, string | undefined];
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':').flatMap(ipv6Group));
  const front = groupsOf(head);
  const back = tail === undefined ? [] : groupsOf(tail);
  const groups = tail === undefined ? front : [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  const bytes = Buffer.alloc(16);
  groups.forEach((group, index) => bytes.writeUInt16BE(group, index * 2));
  return bytes;
}

/** One group of an IPv6 address; an embedded IPv4 address (::ffff:192.0.2.1) counts as two. */
function ipv6Group(part: string): number[] {
  if (!part.includes('.')) return [parseInt(part, 16)];
  const [a = 0, b = 0, c = 0, d = 0] = part.split('.').map(Number);
  return [(a << 8) | b, (c << 8) | d];
}
