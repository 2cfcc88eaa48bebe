// This instance's server certificate for the LAN listener, in <data>/tls (its key sealed): reused while it fits,
// issued again by the CA when it is missing, expiring, from another CA, or names another host name or addresses.
import type { Logger } from 'pino';
import { SecretBoxError, type SecretBox } from '../secrets/secret-box.ts';
import { certificateAddresses } from './addresses.ts';
import { issueServerCertificate, keyMatchesCertificate, serverCertificateFacts, type AuthorityMaterial, type ServerCertificateFacts, type ServerMaterial } from './certificates.ts';
import { serverRenewal, type ServerRenewal } from './renewal.ts';
import { SEAL_CONTEXTS, TLS_FILES, readTlsFile, writeTlsFile } from './tls-files.ts';

export interface ServerCertificate {
  material: ServerMaterial;
  facts: ServerCertificateFacts;
  /** Why it was issued now; null when the one on disk was kept. */
  issuedBecause: ServerRenewal | null;
}

export async function ensureServerCertificate(
  deps: { dir: string; secrets: SecretBox; logger: Logger },
  authority: AuthorityMaterial,
  wanted: { hostname: string; lanAddresses: readonly string[] },
  now = new Date(),
): Promise<ServerCertificate> {
  const current = readCurrent(deps, authority);
  const reason = serverRenewal(current?.facts ?? null, { hostname: wanted.hostname, addresses: certificateAddresses(wanted.lanAddresses) }, now);
  if (current && !reason) return { ...current, issuedBecause: null };

  const material = await issueServerCertificate(authority, { hostname: wanted.hostname, addresses: wanted.lanAddresses, now });
  writeTlsFile(deps.dir, TLS_FILES.serverKey, `${deps.secrets.seal(material.privateKeyPem, SEAL_CONTEXTS.serverKey)}\n`);
  writeTlsFile(deps.dir, TLS_FILES.serverCertificate, material.certificatePem);
  const facts = serverCertificateFacts(material.certificatePem, authority.certificatePem);
  deps.logger.info({ reason, hostname: wanted.hostname, addresses: facts.ipAddresses, notAfter: facts.notAfter }, 'issued the LAN server certificate');
  return { material, facts, issuedBecause: reason };
}

/** The certificate and key on disk, when both are there, readable, and belong together. */
function readCurrent(deps: { dir: string; secrets: SecretBox; logger: Logger }, authority: AuthorityMaterial): { material: ServerMaterial; facts: ServerCertificateFacts } | null {
  const certificatePem = readTlsFile(deps.dir, TLS_FILES.serverCertificate);
  const sealedKey = readTlsFile(deps.dir, TLS_FILES.serverKey);
  if (certificatePem === null || sealedKey === null) return null;
  let privateKeyPem: string;
  try {
    privateKeyPem = deps.secrets.openText(sealedKey.trim(), SEAL_CONTEXTS.serverKey);
  } catch (error) {
    if (!(error instanceof SecretBoxError)) throw error;
    // Sealed with another master key: a new certificate is issued (it costs nothing; the CA is what devices trust).
    deps.logger.warn({ err: { message: error.message } }, 'the LAN server key cannot be opened with this master key; issuing a new one');
    return null;
  }
  if (!keyMatchesCertificate(privateKeyPem, certificatePem)) return null;
  try {
    return { material: { certificatePem, privateKeyPem }, facts: serverCertificateFacts(certificatePem, authority.certificatePem) };
  } catch {
    return null;
  }
}
