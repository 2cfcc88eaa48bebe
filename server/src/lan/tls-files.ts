// The LAN TLS files in <data>/tls: certificates in PEM, private keys sealed with the master key (never in the clear),
// every file 0600 in a 0700 folder, written whole (temporary file, fsync, rename) so a crash never leaves half a key.
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomically } from '../appliance/atomic-file.ts';

export const TLS_FILES = {
  authorityCertificate: 'ca.crt',
  authorityKey: 'ca.key.sealed',
  serverCertificate: 'server.crt',
  serverKey: 'server.key.sealed',
} as const;

/** SecretBox contexts: a sealed key opens only for the use it was sealed for. */
export const SEAL_CONTEXTS = {
  authorityKey: 'lan-ca-private-key',
  serverKey: 'lan-server-private-key',
} as const;

export function tlsDir(dataDir: string): string {
  return path.join(dataDir, 'tls');
}

export function readTlsFile(dir: string, name: string): string | null {
  try {
    return fs.readFileSync(path.join(dir, name), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export function writeTlsFile(dir: string, name: string, text: string): void {
  writeFileAtomically(path.join(dir, name), text);
}
