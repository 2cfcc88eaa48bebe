// How the shell asks the server to stop gracefully where there are no signals.
// On Linux and macOS the shell sends SIGTERM, which `gatehouse serve` already handles.
// Windows has no SIGTERM (a utility process's kill() ends it at once), so there the shell posts this
// message on the utility process's parent port. No electron import: the server imports these names too.

/** Posted to the server's `process.parentPort`; the server stops as on SIGTERM. */
export const SHUTDOWN_MESSAGE = { type: 'gatehouse:shutdown' } as const;

export function isShutdownMessage(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === SHUTDOWN_MESSAGE.type;
}
