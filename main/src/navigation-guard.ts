// Keeps every web contents on the app's own origin: no navigation or redirect elsewhere, no new windows, no <webview>.
import type { WebContentsPort } from './electron-ports.ts';
import { isSameOrigin } from './same-origin.ts';

export interface NavigationGuardOptions {
  /** The server's origin; null until it is ready, when nothing may navigate. */
  appOrigin(): string | null;
  /** Loads a page of the app in the main window (where a same-origin window.open goes). */
  openInMainWindow(url: string): void;
}

export function guardNavigation(contents: WebContentsPort, options: NavigationGuardOptions): void {
  // Electron security checklist #13: disable or limit navigation (parsed origins, not string prefixes).
  const stayOnOrigin = (event: { preventDefault(): void }, url: string) => {
    if (!isSameOrigin(url, options.appOrigin())) event.preventDefault();
  };
  contents.on('will-navigate', stayOnOrigin);
  contents.on('will-redirect', stayOnOrigin);

  // Electron security checklist #14: disable or limit creation of new windows.
  // No window is ever created; a page of the app opens in the main window, anything else nowhere
  // (checklist #15: never hand a page's URL to shell.openExternal).
  contents.setWindowOpenHandler(({ url }) => {
    if (isSameOrigin(url, options.appOrigin())) options.openInMainWindow(url);
    return { action: 'deny' };
  });

  // Electron security checklist #12: verify <webview> options before creation; the app has no use for one at all.
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
