// Which address is the public URL (the OIDC issuer, the cookies' and same-origin checks' origin), in one place for
// `gatehouse serve` and the CLI verbs (whose printed links must match the server's): http.publicUrl from the config
// file or environment, else the one an admin saved in Settings, else LAN mode's https://<hostname>:<port>, else the
// HTTP listener's own address.
import type { Config } from './config.ts';
import { lanUrl } from '../lan/lan-url.ts';

/** How this machine reaches a listener bound to host: a wildcard address by loopback; IPv6 in brackets, as URLs need. */
export function formatHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** `config` with the LAN settings saved in Settings applied (lan/preferences.ts, withLanPreferences), as the server runs. */
export function choosePublicUrl(config: Readonly<Config>, where: { saved: string | null; httpHost: string; httpPort: number; lanPort: number | null }): string {
  const chosen = config.http.publicUrl ?? where.saved ?? (where.lanPort !== null ? lanUrl(config.lan.hostname, where.lanPort) : `http://${formatHost(where.httpHost)}:${where.httpPort}`);
  return chosen.replace(/\/+$/, '');
}
