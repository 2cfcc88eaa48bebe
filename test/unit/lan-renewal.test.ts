// When the server certificate is issued again, and when the CA must be replaced (which makes devices install it anew).
import { describe, expect, it } from 'vitest';
import { authorityReplacement, serverRenewal } from '../../server/src/lan/renewal.ts';
import type { AuthorityFacts, ServerCertificateFacts } from '../../server/src/lan/certificates.ts';

const DAY = 24 * 60 * 60 * 1000;
const now = new Date('2026-11-28T12:00:00Z');
const days = (n: number) => new Date(now.getTime() + n * DAY);

const current: ServerCertificateFacts = {
  dnsNames: ['gatehouse.local', 'localhost'],
  ipAddresses: ['127.0.0.1', '::1', '192.168.1.5', 'fd00::2'],
  notBefore: days(-10),
  notAfter: days(300),
  issuedByAuthority: true,
};
const wanted = { hostname: 'gatehouse.local', addresses: ['127.0.0.1', '0:0:0:0:0:0:0:1', '192.168.1.5', 'FD00:0:0:0:0:0:0:2'] };

describe('serverRenewal', () => {
  it('keeps a certificate that fits, whatever the spelling of its IPv6 addresses', () => {
    expect(serverRenewal(current, wanted, now)).toBeNull();
  });

  it('issues one when there is none', () => {
    expect(serverRenewal(null, wanted, now)).toBe('missing');
  });

  it('issues one when another CA signed the one on disk', () => {
    expect(serverRenewal({ ...current, issuedByAuthority: false }, wanted, now)).toBe('not_issued_by_current_ca');
  });

  it('renews with fewer than 30 days left, and not before', () => {
    expect(serverRenewal({ ...current, notAfter: days(29) }, wanted, now)).toBe('expiring');
    expect(serverRenewal({ ...current, notAfter: days(31) }, wanted, now)).toBeNull();
  });

  it('renews when the host name changed', () => {
    expect(serverRenewal(current, { ...wanted, hostname: 'idp.local' }, now)).toBe('hostname_changed');
  });

  it('renews when an address came or went', () => {
    expect(serverRenewal(current, { ...wanted, addresses: [...wanted.addresses, '10.0.0.7'] }, now)).toBe('addresses_changed');
    expect(serverRenewal(current, { ...wanted, addresses: wanted.addresses.slice(0, 3) }, now)).toBe('addresses_changed');
  });
});

describe('authorityReplacement', () => {
  const authority: AuthorityFacts = {
    subject: 'CN=Gatehouse LAN CA',
    fingerprintSha256: 'AA',
    fingerprintSha1: 'BB',
    notBefore: days(-100),
    notAfter: days(3000),
    permitted: { dnsNames: ['gatehouse.local', 'localhost'], ipRanges: [] },
  };

  it('keeps a CA that permits the host name and has time left', () => {
    expect(authorityReplacement(authority, 'gatehouse.local', now)).toBeNull();
  });

  it('replaces a CA whose name constraints do not cover a new host name', () => {
    expect(authorityReplacement(authority, 'idp.local', now)).toBe('hostname_not_permitted');
  });

  it('replaces a CA about to expire', () => {
    expect(authorityReplacement({ ...authority, notAfter: days(10) }, 'gatehouse.local', now)).toBe('expiring');
  });
});
