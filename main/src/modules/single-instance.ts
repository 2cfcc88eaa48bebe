// One Gatehouse per user: a second start (a click on the launcher while it runs in the tray) shows the first one's window.
import type { DesktopModule } from '../desktop-module.ts';

export const singleInstance: DesktopModule = {
  name: 'single-instance',
  enable(ctx) {
    if (!ctx.app.requestSingleInstanceLock()) {
      ctx.app.quit();
      return 'stop';
    }
    ctx.app.on('second-instance', () => ctx.mainWindow.show());
  },
};
