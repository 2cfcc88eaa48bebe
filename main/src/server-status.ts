// What the shell knows about its server, as the tray, dialogs and the renderer (over IPC) see it.
// Plain data with no Node types: the renderer's compile world reads this file too.

export type ServerStatus =
  | { state: 'starting'; attempt: number }
  | { state: 'running'; url: string; setupPending: boolean }
  | { state: 'restarting'; attempt: number; maxAttempts: number; inMs: number; reason: string }
  | { state: 'failed'; message: string; logTail: string[] }
  | { state: 'stopping' }
  | { state: 'stopped' };

/** The three tray images. */
export type TrayStatus = 'running' | 'starting' | 'error';

export function trayStatusOf(status: ServerStatus): TrayStatus {
  if (status.state === 'running') return 'running';
  if (status.state === 'restarting' || status.state === 'failed') return 'error';
  return 'starting';
}

/** One line for the tray's status item and tooltip. */
export function describeStatus(status: ServerStatus): string {
  switch (status.state) {
    case 'starting':
      return status.attempt > 1 ? `Starting again (attempt ${status.attempt})…` : 'Starting…';
    case 'running':
      return status.setupPending ? `Running at ${status.url}: create the first admin` : `Running at ${status.url}`;
    case 'restarting':
      return `Stopped unexpectedly; restarting in ${Math.ceil(status.inMs / 1000)} s (${status.attempt} of ${status.maxAttempts})`;
    case 'failed':
      return 'Stopped: see the message';
    case 'stopping':
      return 'Stopping…';
    case 'stopped':
      return 'Stopped';
  }
}
