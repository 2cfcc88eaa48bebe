// The one window on the control UI. It is created once the server is ready, signed in with that server start's
// one-time bootstrap token (or sent to the first-admin setup while there is none), and hidden, not closed,
// when the user closes it: the server keeps running in the tray.
import { appUrl } from './app-url.ts';
import { bootstrapUrl } from './bootstrap-contract.ts';
import type { WindowPort } from './electron-ports.ts';
import type { ServerSession } from './server-supervisor.ts';

export const CONTROL_UI_PATH = '/admin';
export const BACKUPS_PATH = '/admin/backups';

export interface MainWindowDeps {
  createWindow(): WindowPort;
  session(): ServerSession | null;
  /** True once the app is quitting: closing the window then really closes it. */
  quitting(): boolean;
}

/** Where a new window starts: the setup link while there is no admin, else the bootstrap link, once per token. */
export function entryUrl(session: ServerSession, tokenAlreadyUsed: boolean): string {
  if (session.ready.setupUrl) return session.ready.setupUrl;
  if (!tokenAlreadyUsed) return bootstrapUrl(session.ready.url, session.bootstrapToken);
  // The token is spent; the window's session cookie (kept in PostgreSQL) signs it in.
  return appUrl(session.ready.url, CONTROL_UI_PATH);
}

export class MainWindow {
  private window: WindowPort | null = null;
  private loaded: Promise<void> = Promise.resolve();
  private spentToken: string | null = null;

  constructor(private readonly deps: MainWindowDeps) {}

  /** Shows the window, creating it on the server's entry page; false while the server is not ready. */
  show(): boolean {
    const current = this.window;
    if (current && !current.isDestroyed()) {
      if (current.isMinimized()) current.restore();
      current.show();
      current.focus();
      return true;
    }
    const session = this.deps.session();
    if (!session) return false;
    const url = entryUrl(session, this.spentToken === session.bootstrapToken);
    this.spentToken = session.bootstrapToken;
    const window = this.deps.createWindow();
    this.window = window;
    window.on('close', (event) => {
      if (this.deps.quitting()) return;
      event.preventDefault();
      window.hide();
    });
    window.on('closed', () => {
      if (this.window === window) this.window = null;
    });
    // Shown when the first page is there (or failed: Chromium's error page says why), not as an empty frame.
    this.loaded = window
      .loadURL(url)
      .catch(() => undefined)
      .then(() => {
        if (!window.isDestroyed()) window.show();
      });
    return true;
  }

  /** Shows `pathname` of the app, after the entry page when the window is new (the bootstrap signs it in first). */
  async openPage(pathname: string): Promise<void> {
    if (!this.show()) return;
    await this.loaded;
    const session = this.deps.session();
    if (session) await this.loadUrl(appUrl(session.ready.url, pathname));
  }

  /** Loads a URL the navigation guard has already found on the app's origin. */
  async loadUrl(url: string): Promise<void> {
    const window = this.window;
    if (!window || window.isDestroyed()) return;
    await window.loadURL(url).catch(() => undefined);
  }
}
