// When the LAN CA or the server certificate must be made again. Pure: the facts come from certificates.ts.
import { addressBytes } from './addresses.ts';
import { permitsDnsName } from './name-constraints.ts';
import type { AuthorityFacts, ServerCertificateFacts } from './certificates.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A server certificate is renewed when fewer days than this remain (at start, and at each periodic check). */
export const RENEW_SERVER_BEFORE_DAYS = 30;

export type AuthorityReplacement = 'expiring' | 'hostname_not_permitted';

/**
 * Why the CA cannot serve this host name any more, or null. A new CA means every device installs it again, so
 * only what makes the old one unusable counts: it would expire before a fresh server certificate could be
 * renewed, or its name constraints (RFC 5280 §4.2.1.10) do not cover the host name.
 */
export function authorityReplacement(facts: AuthorityFacts, hostname: string, now: Date): AuthorityReplacement | null {
  if (facts.notAfter.getTime() - now.getTime() < RENEW_SERVER_BEFORE_DAYS * DAY_MS) return 'expiring';
  if (!permitsDnsName(facts.permitted, hostname)) return 'hostname_not_permitted';
  return null;
}

export type ServerRenewal = 'missing' | 'not_issued_by_current_ca' | 'expiring' | 'hostname_changed' | 'addresses_changed';

export interface WantedServerNames {
  hostname: string;
  /** Every address the certificate must name (loopback included). */
  addresses: readonly string[];
}

/** Why the server certificate must be issued again, or null when it still fits. */
export function serverRenewal(current: ServerCertificateFacts | null, wanted: WantedServerNames, now: Date): ServerRenewal | null {
  if (!current) return 'missing';
  if (!current.issuedByAuthority) return 'not_issued_by_current_ca';
  if (current.notAfter.getTime() - now.getTime() < RENEW_SERVER_BEFORE_DAYS * DAY_MS) return 'expiring';
  if (!current.dnsNames.some((name) => name.toLowerCase() === wanted.hostname.toLowerCase())) return 'hostname_changed';
  if (!sameSet(current.ipAddresses.map(canonicalAddress), wanted.addresses.map(canonicalAddress))) return 'addresses_changed';
  return null;
}

function sameSet(a: string[], b: string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((item) => right.has(item));
}

/** One spelling per address (its bytes), so fd00::2 and FD00:0:0:0:0:0:0:2 compare equal. */
function canonicalAddress(address: string): string {
  return addressBytes(address).toString('hex');
}
