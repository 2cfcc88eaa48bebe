// The LAN CA and the server certificate it signs (ECDSA P-256, SHA-256), made with webcrypto and @peculiar/x509,
// and the facts read back from them. No I/O here: storage is ca-store.ts and server-certificate.ts.
import { X509Certificate, createPrivateKey, createPublicKey, randomBytes, webcrypto } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { LOOPBACK_NAMES, PERMITTED_IP_RANGES, certificateAddresses } from './addresses.ts';
import { NAME_CONSTRAINTS_OID, decodeNameConstraints, encodeNameConstraints, type PermittedNames } from './name-constraints.ts';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const DAY_MS = 24 * 60 * 60 * 1000;
const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
/** A CA outlives many server certificates; ten years, then a new CA (devices install it again). */
export const AUTHORITY_VALIDITY_DAYS = 3652;
/**
 * CA/Browser Forum Baseline Requirements §6.3.2: at most 398 days for certificates issued since 2020-09-01,
 * which Apple and Chrome enforce; 397 keeps a day of margin. (They enforce it for public roots only, but a
 * future browser may not make the difference, and renewal is automatic.)
 */
export const SERVER_VALIDITY_DAYS = 397;
/** Backdated against devices whose clock runs a little behind. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

type KeyPair = webcrypto.CryptoKeyPair;
type GeneratorKey = Parameters<typeof x509.X509CertificateGenerator.create>[0] extends { signingKey: infer K } ? K : never;

export interface AuthorityMaterial {
  certificatePem: string;
  /** PKCS #8 DER: kept sealed, never written in the clear. */
  privateKeyPkcs8: Buffer;
}

export interface ServerMaterial {
  certificatePem: string;
  /** PKCS #8 PEM, for node's TLS; sealed at rest. */
  privateKeyPem: string;
}

export interface AuthorityFacts {
  subject: string;
  fingerprintSha256: string;
  /** Windows shows only this one ("Thumbprint") in its certificate dialog. */
  fingerprintSha1: string;
  notBefore: Date;
  notAfter: Date;
  permitted: PermittedNames;
}

export interface ServerCertificateFacts {
  dnsNames: string[];
  ipAddresses: string[];
  notBefore: Date;
  notAfter: Date;
  /** Signed by the given CA (issuer name and signature both checked). */
  issuedByAuthority: boolean;
}

/** The names the LAN CA may sign: the host name (and names below it) and localhost, and private address ranges. */
export function permittedNamesFor(hostname: string): PermittedNames {
  return {
    dnsNames: [hostname.toLowerCase(), LOOPBACK_NAMES.dns],
    ipRanges: PERMITTED_IP_RANGES.map(({ address, prefix }) => ({ address, prefix })),
  };
}

export async function createAuthority(hostname: string, now = new Date()): Promise<AuthorityMaterial> {
  const keys = (await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as KeyPair;
  const serialNumber = serial();
  const notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  // A distinct name per CA, so that an old and a new one are told apart in a device's certificate list.
  const name = `CN=Gatehouse LAN CA (${hostname} ${now.toISOString().slice(0, 10)} ${serialNumber.slice(0, 4)}), O=Gatehouse`;
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber,
    subject: name,
    issuer: name,
    notBefore,
    notAfter: new Date(notBefore.getTime() + AUTHORITY_VALIDITY_DAYS * DAY_MS),
    signingAlgorithm: EC_P256,
    publicKey: keys.publicKey as unknown as GeneratorKey,
    signingKey: keys.privateKey as unknown as GeneratorKey,
    extensions: [
      // RFC 5280 §4.2.1.9: a CA, critical; pathLenConstraint 0: it signs server certificates only, never another CA.
      new x509.BasicConstraintsExtension(true, 0, true),
      // RFC 5280 §4.2.1.3: signing certificates (and CRLs) is all the key may do.
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      // RFC 5280 §4.2.1.2: a CA's certificate carries its key identifier.
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as unknown as GeneratorKey),
      // RFC 5280 §4.2.1.10: conforming CAs MUST mark name constraints critical.
      new x509.Extension(NAME_CONSTRAINTS_OID, true, encodeNameConstraints(permittedNamesFor(hostname))),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return { certificatePem: pemOf(certificate), privateKeyPkcs8: pkcs8 };
}

export async function issueServerCertificate(
  authority: AuthorityMaterial,
  /** addresses: the LAN ones; loopback is always added. */
  request: { hostname: string; addresses: readonly string[]; now?: Date },
): Promise<ServerMaterial> {
  const now = request.now ?? new Date();
  const ca = new x509.X509Certificate(authority.certificatePem);
  const caKey = await webcrypto.subtle.importKey('pkcs8', authority.privateKeyPkcs8, EC_P256, false, ['sign']);
  const keys = (await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as KeyPair;
  const notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  // Never past the CA's own end: a chain is only as valid as its shortest link.
  const notAfter = new Date(Math.min(notBefore.getTime() + SERVER_VALIDITY_DAYS * DAY_MS, ca.notAfter.getTime()));
  const addresses = certificateAddresses(request.addresses);
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${request.hostname}`,
    issuer: ca.subjectName,
    notBefore,
    notAfter,
    signingAlgorithm: EC_P256,
    publicKey: keys.publicKey as unknown as GeneratorKey,
    signingKey: caKey as unknown as GeneratorKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      // RFC 5280 §4.2.1.3 with RFC 8446 §4.4.2.4: an ECDSA key for TLS signs the handshake, nothing else.
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      // RFC 5280 §4.2.1.12: a TLS server, nothing else (not client auth, not code signing).
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      // RFC 6125 §6.4: clients match the host name against the subjectAltName only.
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: request.hostname },
        { type: 'dns', value: LOOPBACK_NAMES.dns },
        ...addresses.map((value) => ({ type: 'ip' as const, value })),
      ]),
      // RFC 5280 §4.2.1.1: which CA key signed it, for chain building on devices that hold several Gatehouse CAs.
      await x509.AuthorityKeyIdentifierExtension.create(ca.publicKey as unknown as GeneratorKey),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as unknown as GeneratorKey),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return { certificatePem: pemOf(certificate), privateKeyPem: pkcs8Pem(pkcs8) };
}

export function authorityFacts(certificatePem: string): AuthorityFacts {
  const node = new X509Certificate(certificatePem);
  const parsed = new x509.X509Certificate(certificatePem);
  const constraints = parsed.getExtension(NAME_CONSTRAINTS_OID);
  return {
    subject: node.subject.replace(/\n/g, ', '),
    fingerprintSha256: node.fingerprint256,
    fingerprintSha1: node.fingerprint,
    notBefore: new Date(node.validFrom),
    notAfter: new Date(node.validTo),
    permitted: constraints ? decodeNameConstraints(new Uint8Array(constraints.value)) : { dnsNames: [], ipRanges: [] },
  };
}

export function serverCertificateFacts(certificatePem: string, authorityPem: string): ServerCertificateFacts {
  const node = new X509Certificate(certificatePem);
  const ca = new X509Certificate(authorityPem);
  const san = new x509.X509Certificate(certificatePem).getExtension(x509.SubjectAlternativeNameExtension);
  const names = san?.names.items ?? [];
  return {
    dnsNames: names.filter((name) => name.type === 'dns').map((name) => name.value),
    ipAddresses: names.filter((name) => name.type === 'ip').map((name) => name.value),
    notBefore: new Date(node.validFrom),
    notAfter: new Date(node.validTo),
    issuedByAuthority: node.checkIssued(ca) && node.verify(ca.publicKey),
  };
}

/** Whether a private key (PKCS #8, DER or PEM) belongs to the certificate's public key. */
export function keyMatchesCertificate(privateKey: Buffer | string, certificatePem: string): boolean {
  try {
    const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : createPrivateKey({ key: privateKey, format: 'der', type: 'pkcs8' });
    const spki = (k: ReturnType<typeof createPublicKey>) => k.export({ format: 'der', type: 'spki' });
    return spki(createPublicKey(key)).equals(spki(new X509Certificate(certificatePem).publicKey));
  } catch {
    return false;
  }
}

/** RFC 5280 §4.1.2.2 and BR §7.1: a positive serial of at most 20 octets, with at least 64 random bits. */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}

function pemOf(certificate: x509.X509Certificate): string {
  return `${certificate.toString('pem').trim()}\n`;
}

function pkcs8Pem(der: Buffer): string {
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
}
