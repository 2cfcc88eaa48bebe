// The one-time bootstrap login that signs the desktop window in, shared by the shell and the server.
// The shell makes a fresh token for every server start and hands it over in the environment;
// the server keeps only its SHA-256 and accepts it once at GET /bootstrap?token=…, then redirects into the control UI.
// No electron import: the server imports these names too.
import { createHash, randomBytes } from 'node:crypto';
import { appUrl } from './app-url.ts';

/** The environment variable that carries the token from the shell to the server it starts. */
export const BOOTSTRAP_TOKEN_ENV = 'GATEHOUSE_BOOTSTRAP_TOKEN';
/** The path the window opens first; the server answers it with a session cookie and a redirect. */
export const BOOTSTRAP_PATH = '/bootstrap';
/** The query parameter that carries the token. */
export const BOOTSTRAP_TOKEN_PARAM = 'token';
/** 32 random bytes: as strong as the session ids the token is exchanged for. */
export const BOOTSTRAP_TOKEN_BYTES = 32;

/** A new token for one server start, base64url so it travels in a URL unescaped. */
export function createBootstrapToken(): string {
  return randomBytes(BOOTSTRAP_TOKEN_BYTES).toString('base64url');
}

/** What the server keeps and compares (in constant time) instead of the token itself. */
export function bootstrapTokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** `<server url>/bootstrap?token=<token>`. */
export function bootstrapUrl(serverUrl: string, token: string): string {
  const url = new URL(appUrl(serverUrl, BOOTSTRAP_PATH));
  url.searchParams.set(BOOTSTRAP_TOKEN_PARAM, token);
  return url.toString();
}
