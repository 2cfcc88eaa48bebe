// The LAN CA and server certificate as made, read back with node's X509Certificate and @peculiar/x509:
// RFC 5280 constraints on the CA, a TLS-server-only leaf with the right names, validity within the CA/B Forum limit.
import { X509Certificate } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  SERVER_VALIDITY_DAYS,
  authorityFacts,
  createAuthority,
  issueServerCertificate,
  keyMatchesCertificate,
  serverCertificateFacts,
  type AuthorityMaterial,
  type ServerMaterial,
} from '../../server/src/lan/certificates.ts';
import { NAME_CONSTRAINTS_OID } from '../../server/src/lan/name-constraints.ts';

const DAY = 24 * 60 * 60 * 1000;
let authority: AuthorityMaterial;
let server: ServerMaterial;

beforeAll(async () => {
  authority = await createAuthority('gatehouse.local');
  server = await issueServerCertificate(authority, { hostname: 'gatehouse.local', addresses: ['192.168.1.5', 'fd00::2'] });
});

describe('the CA', () => {
  it('is a CA that may sign only end certificates (basic constraints critical, pathLen 0)', () => {
    const certificate = new x509.X509Certificate(authority.certificatePem);
    const basic = certificate.getExtension(x509.BasicConstraintsExtension)!;
    expect(basic.ca).toBe(true);
    expect(basic.pathLength).toBe(0);
    expect(basic.critical).toBe(true);
    expect(new X509Certificate(authority.certificatePem).ca).toBe(true);
  });

  it('may only sign certificates and CRLs (key usage critical)', () => {
    const usage = new x509.X509Certificate(authority.certificatePem).getExtension(x509.KeyUsagesExtension)!;
    expect(usage.usages).toBe(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
    expect(usage.critical).toBe(true);
  });

  it('carries critical name constraints for the host name, localhost and private ranges', () => {
    const extension = new x509.X509Certificate(authority.certificatePem).getExtension(NAME_CONSTRAINTS_OID)!;
    expect(extension.critical).toBe(true);
    const facts = authorityFacts(authority.certificatePem);
    expect(facts.permitted.dnsNames).toEqual(['gatehouse.local', 'localhost']);
    expect(facts.permitted.ipRanges).toContainEqual({ address: '192.168.0.0', prefix: 16 });
  });

  it('is valid for ten years and signed by itself with ECDSA P-256', () => {
    const facts = authorityFacts(authority.certificatePem);
    const years = (facts.notAfter.getTime() - facts.notBefore.getTime()) / (365.25 * DAY);
    expect(years).toBeCloseTo(10, 1);
    const node = new X509Certificate(authority.certificatePem);
    expect(node.verify(node.publicKey)).toBe(true);
    expect(node.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('has fingerprints in the colon form OSes show', () => {
    const facts = authorityFacts(authority.certificatePem);
    expect(facts.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(facts.fingerprintSha1).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
  });

  it('keeps a key that matches its certificate, and another CA\'s key does not', async () => {
    expect(keyMatchesCertificate(authority.privateKeyPkcs8, authority.certificatePem)).toBe(true);
    const other = await createAuthority('gatehouse.local');
    expect(keyMatchesCertificate(other.privateKeyPkcs8, authority.certificatePem)).toBe(false);
  });
});

describe('the server certificate', () => {
  it('names the host name, localhost, loopback and the LAN addresses', () => {
    const facts = serverCertificateFacts(server.certificatePem, authority.certificatePem);
    expect(facts.dnsNames).toEqual(['gatehouse.local', 'localhost']);
    expect(facts.ipAddresses).toEqual(['127.0.0.1', '::1', '192.168.1.5', 'fd00::2']);
    expect(facts.issuedByAuthority).toBe(true);
  });

  it('is for TLS servers only: serverAuth, digitalSignature, not a CA', () => {
    const certificate = new x509.X509Certificate(server.certificatePem);
    expect(certificate.getExtension(x509.ExtendedKeyUsageExtension)!.usages).toEqual([x509.ExtendedKeyUsage.serverAuth]);
    expect(certificate.getExtension(x509.KeyUsagesExtension)!.usages).toBe(x509.KeyUsageFlags.digitalSignature);
    expect(certificate.getExtension(x509.BasicConstraintsExtension)!.ca).toBe(false);
    expect(new X509Certificate(server.certificatePem).checkIssued(new X509Certificate(authority.certificatePem))).toBe(true);
  });

  it(`is valid for at most ${SERVER_VALIDITY_DAYS} days (CA/B Forum BR §6.3.2)`, () => {
    const facts = serverCertificateFacts(server.certificatePem, authority.certificatePem);
    expect(facts.notAfter.getTime() - facts.notBefore.getTime()).toBeLessThanOrEqual(397 * DAY);
    expect(facts.notBefore.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('never outlives its CA', async () => {
    const late = await issueServerCertificate(authority, { hostname: 'gatehouse.local', addresses: [], now: new Date(Date.now() + 3600 * DAY) });
    expect(serverCertificateFacts(late.certificatePem, authority.certificatePem).notAfter.getTime()).toBeLessThanOrEqual(authorityFacts(authority.certificatePem).notAfter.getTime());
  });

  it('comes with its private key in PKCS #8 PEM', () => {
    expect(server.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(keyMatchesCertificate(server.privateKeyPem, server.certificatePem)).toBe(true);
  });

  it('is not signed by another CA', async () => {
    const other = await createAuthority('gatehouse.local');
    expect(serverCertificateFacts(server.certificatePem, other.certificatePem).issuedByAuthority).toBe(false);
  });
});
