// The CA's name constraints (RFC 5280 §4.2.1.10), encoded by hand: they must read back as written, and DNS names
// must match the RFC's rule (the name itself, or labels added on its left; never a suffix inside a label).
import { describe, expect, it } from 'vitest';
import { decodeNameConstraints, encodeNameConstraints, permitsDnsName } from '../../server/src/lan/name-constraints.ts';
import { permittedNamesFor } from '../../server/src/lan/certificates.ts';

describe('encodeNameConstraints', () => {
  it('reads back the DNS names and address ranges it was given', () => {
    const permitted = { dnsNames: ['gatehouse.local', 'localhost'], ipRanges: [{ address: '192.168.0.0', prefix: 16 }, { address: 'fc00::', prefix: 7 }] };
    const decoded = decodeNameConstraints(encodeNameConstraints(permitted));
    expect(decoded.dnsNames).toEqual(['gatehouse.local', 'localhost']);
    expect(decoded.ipRanges).toEqual([
      { address: '192.168.0.0', prefix: 16 },
      { address: 'fc00:0:0:0:0:0:0:0', prefix: 7 },
    ]);
  });

  it('writes DER: a SEQUENCE holding [0] permitted subtrees, each a SEQUENCE around one GeneralName', () => {
    const der = encodeNameConstraints({ dnsNames: ['a.local'], ipRanges: [{ address: '10.0.0.0', prefix: 8 }] });
    // 30 len A0 len | 30 09 82 07 "a.local" | 30 0a 87 08 0a000000 ff000000
    expect(der.toString('hex')).toBe('3019a017' + '3009820761' + Buffer.from('.local').toString('hex') + '300a87080a000000ff000000');
  });

  it('uses the long length form past 127 bytes and still reads back', () => {
    const many = Array.from({ length: 20 }, (_, i) => `host-${i}.example.lan`);
    const der = encodeNameConstraints({ dnsNames: many, ipRanges: [] });
    expect(der[1]).toBe(0x82);
    expect(decodeNameConstraints(der).dnsNames).toEqual(many);
  });

  it('constrains the LAN CA to the host name, localhost and the private ranges only', () => {
    const permitted = permittedNamesFor('Gatehouse.Local');
    expect(permitted.dnsNames).toEqual(['gatehouse.local', 'localhost']);
    expect(permitted.ipRanges.map((range) => `${range.address}/${range.prefix}`)).toEqual(['127.0.0.1/32', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '::1/128', 'fc00::/7']);
  });
});

describe('permitsDnsName', () => {
  const permitted = { dnsNames: ['gatehouse.local'], ipRanges: [] };

  it('permits the name itself, in any case', () => {
    expect(permitsDnsName(permitted, 'gatehouse.local')).toBe(true);
    expect(permitsDnsName(permitted, 'GateHouse.LOCAL')).toBe(true);
  });

  it('permits names below it', () => {
    expect(permitsDnsName(permitted, 'auth.gatehouse.local')).toBe(true);
  });

  it('refuses other names, including ones that merely end with the same letters', () => {
    expect(permitsDnsName(permitted, 'evilgatehouse.local')).toBe(false);
    expect(permitsDnsName(permitted, 'other.local')).toBe(false);
    expect(permitsDnsName(permitted, 'gatehouse.local.evil.example')).toBe(false);
  });
});
