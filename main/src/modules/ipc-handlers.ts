// The main process's answers to the IPC contract (main/src/ipc-contract.ts).
import { appOriginOf } from '../desktop-context.ts';
import type { DesktopModule } from '../desktop-module.ts';
import { handleAll } from '../ipc-handle.ts';

export const ipcHandlers: DesktopModule = {
  name: 'ipc-handlers',
  enable(ctx) {
    handleAll(
      ctx.ipcMain,
      {
        'desktop:info': () => {
          const choice = ctx.state.masterKey;
          return {
            version: ctx.app.getVersion(),
            dataDir: ctx.dataDir,
            masterKey: choice && { keptIn: choice.keptIn, warning: choice.keptIn === 'key-file' ? choice.warning : null },
          };
        },
        'server:status': () => ctx.supervisor.current(),
        'data-folder:open': async () => {
          const error = await ctx.openFolder(ctx.dataDir);
          if (error) throw new Error(error);
          return null;
        },
      },
      () => appOriginOf(ctx),
    );
  },
};
