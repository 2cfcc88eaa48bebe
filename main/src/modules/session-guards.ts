// The default session (the window's): web permissions denied by default, and the shell's CSP on the app's responses.
import { withDesktopCsp } from '../content-security-policy.ts';
import { appOriginOf } from '../desktop-context.ts';
import type { DesktopModule } from '../desktop-module.ts';
import { isPermissionAllowed } from '../permission-guard.ts';
import { isSameOrigin } from '../same-origin.ts';

export const sessionGuards: DesktopModule = {
  name: 'session-guards',
  enable(ctx) {
    const session = ctx.defaultSession();
    // Electron security checklist #5: handle session permission requests from remote content; deny by default.
    session.setPermissionRequestHandler((_contents, permission, callback, details) =>
      callback(isPermissionAllowed(permission, details.requestingUrl, appOriginOf(ctx))),
    );
    session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => isPermissionAllowed(permission, requestingOrigin, appOriginOf(ctx)));

    // Electron security checklist #7: define a Content-Security-Policy (beside the server's own).
    session.webRequest.onHeadersReceived((details, callback) => {
      if (isSameOrigin(details.url, appOriginOf(ctx))) callback({ responseHeaders: withDesktopCsp(details.responseHeaders) });
      else callback({});
    });
  },
};
