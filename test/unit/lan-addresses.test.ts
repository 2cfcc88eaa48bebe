// Which of the machine's addresses the LAN certificate names: private and loopback ones, never public or link-local.
import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { addressBytes, certificateAddresses, isPermittedAddress, lanAddresses } from '../../server/src/lan/addresses.ts';

function iface(address: string, internal = false): NetworkInterfaceInfo {
  const family = address.includes(':') ? 'IPv6' : 'IPv4';
  return { address, family, internal, netmask: '', mac: '02:00:00:00:00:01', cidr: null, ...(family === 'IPv6' ? { scopeid: 0 } : {}) } as NetworkInterfaceInfo;
}

describe('lanAddresses', () => {
  it('names private IPv4 and unique-local IPv6 addresses, IPv4 first, and leaves out public and link-local ones', () => {
    const found = lanAddresses({
      lo: [iface('127.0.0.1', true), iface('::1', true)],
      eth0: [iface('192.168.1.20'), iface('fd00::2'), iface('fe80::1'), iface('203.0.113.9')],
      wg0: [iface('10.8.0.1'), iface('100.101.102.103'), iface('172.20.0.1'), iface('172.32.0.1')],
    });
    expect(found.named).toEqual(['10.8.0.1', '100.101.102.103', '172.20.0.1', '192.168.1.20', 'fd00::2']);
    expect(found.leftOut).toEqual(['172.32.0.1', '203.0.113.9', 'fe80::1']);
  });

  it('names an address once even when two interfaces carry it', () => {
    expect(lanAddresses({ a: [iface('192.168.0.2')], b: [iface('192.168.0.2')] }).named).toEqual(['192.168.0.2']);
  });

  it('skips internal interfaces entirely', () => {
    expect(lanAddresses({ lo: [iface('127.0.0.1', true)] })).toEqual({ named: [], leftOut: [] });
  });
});

describe('isPermittedAddress', () => {
  it.each([
    ['10.0.0.1', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['192.168.255.1', true],
    ['100.64.0.1', true],
    ['127.0.0.1', true],
    ['::1', true],
    ['fdab:1::1', true],
    ['127.0.0.2', false],
    ['8.8.8.8', false],
    ['169.254.1.1', false],
    ['2001:db8::1', false],
    ['not an address', false],
  ])('%s → %s', (address, expected) => {
    expect(isPermittedAddress(address)).toBe(expected);
  });
});

describe('addressBytes', () => {
  it('expands IPv6 shorthand and embedded IPv4 into 16 bytes', () => {
    expect(addressBytes('fd00::2').toString('hex')).toBe('fd000000000000000000000000000002');
    expect(addressBytes('::1').toString('hex')).toBe('00000000000000000000000000000001');
    expect(addressBytes('::ffff:192.0.2.1').toString('hex')).toBe('00000000000000000000ffffc0000201');
    expect(addressBytes('192.168.1.5').toString('hex')).toBe('c0a80105');
  });

  it('refuses what is not an address', () => {
    expect(() => addressBytes('gatehouse.local')).toThrow(RangeError);
  });
});

describe('certificateAddresses', () => {
  it('puts loopback first and names each address once', () => {
    expect(certificateAddresses(['192.168.1.5', '127.0.0.1'])).toEqual(['127.0.0.1', '::1', '192.168.1.5']);
  });
});
