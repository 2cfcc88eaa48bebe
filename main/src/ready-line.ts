// The server's side of the ready handshake: `gatehouse serve --json` prints one JSON line on stdout when it is ready,
// or `{"event":"error","code":…,"message":…}` when start-up fails. Anything else on stdout is not part of the handshake.

/**
 * The fields of the server's ready line (ReadyInfo in server/src/appliance/serve.ts) that the shell reads.
 * Kept here, not imported, so the desktop's compile world does not take in the server's; a test checks ReadyInfo still fits.
 */
export interface ReadyMessage {
  event: 'ready';
  url: string;
  /** The first-admin link, only while there is no admin. */
  setupUrl?: string;
}

export type ServerLine =
  | { event: 'ready'; ready: ReadyMessage }
  | { event: 'error'; code: string; message: string };

export function parseServerLine(line: string): ServerLine | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const message = parsed as Record<string, unknown>;
  if (message.event === 'ready' && typeof message.url === 'string' && isHttpUrl(message.url)) {
    if (message.setupUrl !== undefined && (typeof message.setupUrl !== 'string' || !isHttpUrl(message.setupUrl))) return null;
    return { event: 'ready', ready: message as unknown as ReadyMessage };
  }
  if (message.event === 'error' && typeof message.message === 'string') {
    return { event: 'error', code: typeof message.code === 'string' ? message.code : 'unknown', message: message.message };
  }
  return null;
}

/** The window only ever opens http(s) pages of the server: never file:, javascript: or data: from a line it did not expect. */
function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
