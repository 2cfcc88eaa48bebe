// LAN mode's settings: defaults, flags and environment, and host names that passkeys cannot use refused at start.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/src/appliance/config.ts';
import { UsageError } from '../../server/src/appliance/errors.ts';
import { lanUrl } from '../../server/src/lan/lan-url.ts';
import { mdnsPlan } from '../../server/src/lan/mdns.ts';

const load = (flags: Record<string, string | boolean> = {}, env: Record<string, string> = {}) => loadConfig('/nonexistent', { env, flags });

describe('lan settings', () => {
  it('are off by default, with gatehouse.local on 0.0.0.0:9443, admin on this machine only, mDNS on', () => {
    expect(load().lan).toEqual({ enabled: false, hostname: 'gatehouse.local', bindAddress: '0.0.0.0', port: 9443, allowAdmin: false, mdns: true });
  });

  it('come from flags', () => {
    const { lan } = load({ lan: true, 'lan-hostname': 'id.home.arpa', 'lan-bind': '192.168.1.5', 'lan-port': '8443', 'lan-allow-admin': true });
    expect(lan).toMatchObject({ enabled: true, hostname: 'id.home.arpa', bindAddress: '192.168.1.5', port: 8443, allowAdmin: true });
  });

  it('come from the environment', () => {
    expect(load({}, { GATEHOUSE_LAN_ENABLED: 'true', GATEHOUSE_LAN_MDNS: 'off', GATEHOUSE_LAN_ALLOW_ADMIN: '1' }).lan).toMatchObject({ enabled: true, mdns: false, allowAdmin: true });
  });

  it.each(['192.168.1.5', 'gatehouse', 'Gatehouse.local', '-bad.local', 'under_score.local', `${'a'.repeat(64)}.local`])('refuses the host name %s, saying why', (hostname) => {
    expect(() => load({ 'lan-hostname': hostname })).toThrow(UsageError);
    expect(() => load({ 'lan-hostname': hostname })).toThrow(/lan\.hostname \(from flag --lan-hostname\) must be a host name/);
  });

  it.each(['gatehouse.local', 'id.home.arpa', 'a-1.b.example.com', 'xn--bcher-kva.local'])('accepts the host name %s', (hostname) => {
    expect(load({ 'lan-hostname': hostname }).lan.hostname).toBe(hostname);
  });
});

describe('lanUrl', () => {
  it('leaves out the port when it is 443', () => {
    expect(lanUrl('gatehouse.local', 443)).toBe('https://gatehouse.local');
    expect(lanUrl('gatehouse.local', 9443)).toBe('https://gatehouse.local:9443');
  });
});

describe('mdnsPlan', () => {
  it('advertises .local names only, and nothing when mDNS is off', () => {
    expect(mdnsPlan('gatehouse.local', true)).toBe('advertise');
    expect(mdnsPlan('id.home.arpa', true)).toBe('not_local');
    expect(mdnsPlan('gatehouse.local', false)).toBe('off');
  });
});
