// Every web contents the app ever creates is held to the app's origin, from its creation on.
import { appOriginOf } from '../desktop-context.ts';
import type { DesktopModule } from '../desktop-module.ts';
import { guardNavigation } from '../navigation-guard.ts';

export const webContentsGuards: DesktopModule = {
  name: 'web-contents-guards',
  enable(ctx) {
    ctx.app.on('web-contents-created', (_event, contents) =>
      guardNavigation(contents, { appOrigin: () => appOriginOf(ctx), openInMainWindow: (url) => void ctx.mainWindow.loadUrl(url) }),
    );
  },
};
