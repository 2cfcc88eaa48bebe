// Closing the window keeps the server running in the tray; quitting stops the server (PostgreSQL included) first,
// and only then lets the app exit.
import type { DesktopModule } from '../desktop-module.ts';

export const quitSequence: DesktopModule = {
  name: 'quit-sequence',
  enable(ctx) {
    // A listener replaces Electron's default of quitting when the last window closes.
    ctx.app.on('window-all-closed', () => undefined);

    let serverStopped = false;
    let stopping = false;
    ctx.app.on('before-quit', (event) => {
      ctx.state.quitting = true;
      if (serverStopped) return;
      event.preventDefault();
      if (stopping) return;
      stopping = true;
      ctx.supervisor
        .stop()
        .catch((error: unknown) => ctx.log('error', `stopping the server failed: ${String(error)}`))
        .finally(() => {
          serverStopped = true;
          ctx.app.quit();
        });
    });

    // Logging out or shutting down the machine signals the app: the same orderly quit.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) ctx.onSignal(signal, () => ctx.app.quit());
  },
};
