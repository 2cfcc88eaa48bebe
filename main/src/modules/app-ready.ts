// The modules after this one use what exists only once Electron is ready: sessions, the tray, safeStorage, utility processes.
import type { DesktopModule } from '../desktop-module.ts';

export const appReady: DesktopModule = {
  name: 'app-ready',
  async enable(ctx) {
    await ctx.app.whenReady();
  },
};
