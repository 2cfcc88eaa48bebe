// A self-signed certificate for PostgreSQL's loopback TCP listener, made on first use.
import fs from 'node:fs';
import path from 'node:path';
import { webcrypto, randomBytes } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

export async function ensurePostgresCertificate(dir: string, owner?: { uid: number; gid: number }): Promise<TlsFiles> {
  const certFile = path.join(dir, 'server.crt');
  const keyFile = path.join(dir, 'server.key');
  if (!fs.existsSync(certFile) || !fs.existsSync(keyFile)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const notBefore = new Date(Date.now() - 60_000);
    const notAfter = new Date(Date.now() + 10 * 365 * 24 * 3600 * 1000);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomBytes(16).toString('hex').replace(/^[89a-f]/, '1'),
      name: 'CN=Gatehouse embedded PostgreSQL',
      notBefore,
      notAfter,
      signingAlgorithm: algorithm,
      keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'],
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'localhost' }, { type: 'ip', value: '127.0.0.1' }]),
      ],
    });
    const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
    const keyPem = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(pkcs8).toString('base64').replace(/.{64}/g, '$&\n').trim()}\n-----END PRIVATE KEY-----\n`;
    fs.writeFileSync(keyFile, keyPem, { mode: 0o600 });
    fs.writeFileSync(certFile, cert.toString('pem') + '\n', { mode: 0o644 });
  }
  // PostgreSQL refuses a key that its own account does not own or that others can read.
  if (owner) {
    fs.chownSync(dir, owner.uid, owner.gid);
    fs.chownSync(keyFile, owner.uid, owner.gid);
    fs.chownSync(certFile, owner.uid, owner.gid);
  }
  return { certFile, keyFile };
}
