// Starts the server once the app is ready, with the master key from the OS keychain, opens the window on its first
// ready message, and shows a message when it cannot be kept running.
import { appOriginOf } from '../desktop-context.ts';
import type { DesktopContext } from '../desktop-context.ts';
import type { DesktopModule } from '../desktop-module.ts';
import { chooseMasterKey, MASTER_KEY_ENV } from '../master-key.ts';

export const serverLifecycle: DesktopModule = {
  name: 'server-lifecycle',
  enable(ctx) {
    let windowOpened = ctx.startedHidden;
    ctx.supervisor.onStatus((status) => {
      if (status.state === 'running' && !windowOpened) windowOpened = ctx.mainWindow.show();
      if (status.state === 'failed') ctx.dialogs.showError('Gatehouse stopped', status.message, status.logTail.join('\n'));
    });
    // macOS: a click on the Dock icon of a running app shows its window.
    ctx.app.on('activate', () => {
      if (appOriginOf(ctx)) ctx.mainWindow.show();
    });
    ctx.supervisor.start(() => serverEnvironment(ctx));
  },
};

/** The variables the server starts with: the master key, unless it stays in the server's key file (said out loud). */
export function serverEnvironment(ctx: DesktopContext): Record<string, string> {
  const choice = chooseMasterKey({ safeStorage: ctx.safeStorage, platform: ctx.platform, dataDir: ctx.dataDir });
  ctx.state.masterKey = choice;
  if (choice.keptIn === 'key-file') {
    ctx.log('warn', choice.warning);
    if (choice.firstTime) ctx.dialogs.showWarning('Master key kept in a file', choice.warning);
    return {};
  }
  if (choice.notice) ctx.log('info', choice.notice);
  return { [MASTER_KEY_ENV]: choice.masterKey };
}
