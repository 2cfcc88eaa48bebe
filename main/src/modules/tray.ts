// The tray: the server's status as an image and a line, and what the user can do from there.
import type { DesktopModule } from '../desktop-module.ts';
import { BACKUPS_PATH } from '../main-window.ts';
import { describeStatus, trayStatusOf } from '../server-status.ts';
import { trayMenuTemplate, type TrayActions } from '../tray-menu.ts';

export const tray: DesktopModule = {
  name: 'tray',
  enable(ctx) {
    const icon = ctx.createTray(ctx.trayImages[trayStatusOf(ctx.supervisor.current())]);
    const actions: TrayActions = {
      open: () => ctx.mainWindow.show(),
      backupNow: () => void ctx.mainWindow.openPage(BACKUPS_PATH),
      startAgain: () => ctx.supervisor.start(),
      openDataFolder: () => void ctx.openFolder(ctx.dataDir),
      setStartAtLogin(enabled) {
        try {
          ctx.loginItem.setEnabled(enabled);
        } catch (error) {
          ctx.dialogs.showError('Start at login', 'Gatehouse could not change whether it starts at login.', String(error));
        }
        render();
      },
      quit: () => ctx.app.quit(),
    };
    const render = () => {
      const status = ctx.supervisor.current();
      const choice = ctx.state.masterKey;
      icon.setImage(ctx.trayImages[trayStatusOf(status)]);
      icon.setToolTip(`Gatehouse: ${describeStatus(status)}`);
      icon.setMenu(
        trayMenuTemplate(
          { status, startAtLogin: ctx.loginItem.isEnabled(), masterKeyWarning: choice?.keptIn === 'key-file' ? choice.warning : null },
          actions,
        ),
      );
    };
    ctx.supervisor.onStatus(render);
    render();
  },
};
