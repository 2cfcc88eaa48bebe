// The main window: its security options, where it opens (bootstrap token once, setup link while there is no admin),
// and that closing it only hides it.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { PreventableEvent, WindowPort } from '../../main/src/electron-ports.ts';
import { entryUrl, MainWindow } from '../../main/src/main-window.ts';
import type { ServerSession } from '../../main/src/server-supervisor.ts';
import { mainWindowOptions } from '../../main/src/window-options.ts';

class FakeWindow extends EventEmitter implements WindowPort {
  readonly loaded: string[] = [];
  visible = false;
  destroyed = false;
  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    return Promise.resolve();
  }
  show = () => void (this.visible = true);
  hide = () => void (this.visible = false);
  focus = () => undefined;
  restore = () => undefined;
  isMinimized = () => false;
  isDestroyed = () => this.destroyed;
  /** What Electron does when the user closes the window: 'close' (preventable), then, unless prevented, 'closed'. */
  userCloses(): void {
    let prevented = false;
    const event: PreventableEvent = { preventDefault: () => (prevented = true) };
    this.emit('close', event);
    if (prevented) return;
    this.destroyed = true;
    this.emit('closed');
  }
}

const session = (token: string, setupUrl?: string): ServerSession => ({
  ready: { event: 'ready', url: 'http://127.0.0.1:9080', ...(setupUrl ? { setupUrl } : {}) },
  bootstrapToken: token,
});
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function setUp(current: ServerSession | null) {
  const windows: FakeWindow[] = [];
  let quitting = false;
  let serverSession = current;
  const mainWindow = new MainWindow({
    createWindow: () => {
      const window = new FakeWindow();
      windows.push(window);
      return window;
    },
    session: () => serverSession,
    quitting: () => quitting,
  });
  return { mainWindow, windows, quit: () => (quitting = true), setSession: (next: ServerSession | null) => (serverSession = next) };
}

describe('the main window', () => {
  it('is created with context isolation, the sandbox, no Node integration and no webview', () => {
    const options = mainWindowOptions({ preload: '/app/dist/main/preload.cjs', icon: '/app/resources/icon.png' });
    expect(options.webPreferences).toMatchObject({
      preload: '/app/dist/main/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
    });
    expect(options.webPreferences).not.toHaveProperty('enableBlinkFeatures');
  });

  it('is not created before the server is ready', () => {
    const { mainWindow, windows } = setUp(null);
    expect(mainWindow.show()).toBe(false);
    expect(windows).toHaveLength(0);
  });

  it('opens on the bootstrap link of this server start, and shows once the page has loaded', async () => {
    const { mainWindow, windows } = setUp(session('tok-1'));
    expect(mainWindow.show()).toBe(true);
    expect(windows[0]!.loaded).toEqual(['http://127.0.0.1:9080/bootstrap?token=tok-1']);
    await settle();
    expect(windows[0]!.visible).toBe(true);
  });

  it('opens on the setup link while there is no admin (never a default password)', () => {
    const { mainWindow, windows } = setUp(session('tok-1', 'http://127.0.0.1:9080/setup?token=s3'));
    mainWindow.show();
    expect(windows[0]!.loaded).toEqual(['http://127.0.0.1:9080/setup?token=s3']);
  });

  it('spends a bootstrap token once: a window made again for the same server start opens the control UI', () => {
    const { mainWindow, windows, setSession } = setUp(session('tok-1'));
    mainWindow.show();
    windows[0]!.destroyed = true;
    windows[0]!.emit('closed');
    mainWindow.show();
    expect(windows[1]!.loaded).toEqual(['http://127.0.0.1:9080/admin']);
    expect(entryUrl(session('tok-1'), true)).toBe('http://127.0.0.1:9080/admin');

    setSession(session('tok-2'));
    windows[1]!.destroyed = true;
    windows[1]!.emit('closed');
    mainWindow.show();
    expect(windows[2]!.loaded).toEqual(['http://127.0.0.1:9080/bootstrap?token=tok-2']);
  });

  it('hides instead of closing, and closes while the app quits', async () => {
    const { mainWindow, windows, quit } = setUp(session('tok-1'));
    mainWindow.show();
    await settle();
    windows[0]!.userCloses();
    expect(windows[0]!.destroyed).toBe(false);
    expect(windows[0]!.visible).toBe(false);

    mainWindow.show();
    expect(windows).toHaveLength(1);
    expect(windows[0]!.visible).toBe(true);

    quit();
    windows[0]!.userCloses();
    expect(windows[0]!.destroyed).toBe(true);
  });

  it('opens the Backups page after the bootstrap page has signed a new window in', async () => {
    const { mainWindow, windows } = setUp(session('tok-1'));
    await mainWindow.openPage('/admin/backups');
    expect(windows[0]!.loaded).toEqual(['http://127.0.0.1:9080/bootstrap?token=tok-1', 'http://127.0.0.1:9080/admin/backups']);
  });
});
