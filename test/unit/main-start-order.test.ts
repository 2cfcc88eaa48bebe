// The desktop app as a whole, with `electron` mocked: what happens in which order from launch to the window,
// and from Quit to exit. The Electron binary itself cannot run here.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BOOTSTRAP_TOKEN_ENV } from '../../main/src/bootstrap-contract.ts';
import { SHUTDOWN_MESSAGE } from '../../main/src/shutdown-message.ts';

const appData = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-main-start-'));
afterAll(() => fs.rmSync(appData, { recursive: true, force: true }));

vi.mock('electron', async () => {
  const { EventEmitter } = await import('node:events');
  const timeline: string[] = [];
  const gate = { ready: Promise.resolve(), open: () => undefined as void };
  const paths: Record<string, string> = {};

  class FakeApp extends EventEmitter {
    singleInstance = true;
    exited = false;
    setName = (name: string) => void timeline.push(`app.setName ${name}`);
    getPath = (name: string) => paths[name]!;
    setPath = (name: string, value: string) => {
      paths[name] = value;
      timeline.push(`app.setPath ${name}`);
    };
    requestSingleInstanceLock = () => (timeline.push('app.requestSingleInstanceLock'), this.singleInstance);
    whenReady = () => gate.ready.then(() => void timeline.push('app ready'));
    getVersion = () => '0.1.0';
    getLoginItemSettings = () => ({ openAtLogin: false, wasOpenedAtLogin: false });
    setLoginItemSettings = () => undefined;
    exit = () => void (this.exited = true);
    quit = () => {
      timeline.push('app.quit');
      let prevented = false;
      this.emit('before-quit', { preventDefault: () => (prevented = true) });
      if (prevented) return;
      this.exited = true;
      timeline.push('app exited');
    };
  }

  class FakeChild extends EventEmitter {
    readonly stdout = new EventEmitter();
    readonly stderr = new EventEmitter();
    pid: number | undefined = 4242;
    readonly posted: unknown[] = [];
    kills = 0;
    constructor(readonly modulePath: string, readonly args: string[], readonly options: { env: Record<string, string>; cwd: string; stdio: string }) {
      super();
    }
    kill = () => (this.kills++, timeline.push('server sent SIGTERM'), true);
    postMessage = (message: unknown) => void this.posted.push(message);
    exitAfterShutdown(): void {
      timeline.push('server exited');
      this.pid = undefined;
      this.emit('exit', 0);
    }
  }
  const forks: FakeChild[] = [];

  class FakeWindow extends EventEmitter {
    static readonly all: FakeWindow[] = [];
    readonly loaded: string[] = [];
    constructor(readonly options: { webPreferences: Record<string, unknown> }) {
      super();
      FakeWindow.all.push(this);
      timeline.push('BrowserWindow created');
    }
    loadURL = (url: string) => (this.loaded.push(url), Promise.resolve());
    show = () => undefined;
    hide = () => undefined;
    focus = () => undefined;
    restore = () => undefined;
    isMinimized = () => false;
    isDestroyed = () => false;
  }

  class FakeTray {
    static readonly all: FakeTray[] = [];
    readonly images: string[] = [];
    menu: { label?: string }[] = [];
    constructor(image: { path: string }) {
      this.images.push(image.path);
      FakeTray.all.push(this);
    }
    setImage = (image: { path: string }) => void this.images.push(image.path);
    setToolTip = () => undefined;
    setContextMenu = (menu: { label?: string }[]) => void (this.menu = menu);
  }

  const ipcChannels: string[] = [];
  const permissionHandlers: ((contents: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string }) => void)[] = [];
  const app = new FakeApp();
  /** The module is made once per file: each test starts from a fresh Electron. */
  function reset(): void {
    for (const list of [timeline, forks, FakeWindow.all, FakeTray.all, ipcChannels, permissionHandlers]) list.length = 0;
    app.removeAllListeners();
    app.singleInstance = true;
    app.exited = false;
    gate.ready = new Promise<void>((resolve) => (gate.open = resolve));
    paths.appData = process.env.GH_TEST_APP_DATA!;
    paths.userData = path.join(paths.appData, 'gatehouse');
  }
  return {
    fake: { timeline, markReady: () => gate.open(), reset, forks, FakeWindow, FakeTray, ipcChannels, permissionHandlers },
    app,
    BrowserWindow: FakeWindow,
    Tray: FakeTray,
    Menu: { buildFromTemplate: (template: unknown[]) => template },
    nativeImage: { createFromPath: (file: string) => ({ path: file }) },
    dialog: { showMessageBox: () => Promise.resolve({ response: 0 }), showErrorBox: () => undefined },
    ipcMain: { handle: (channel: string) => void ipcChannels.push(channel) },
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (text: string) => Buffer.from(text).reverse(),
      decryptString: (sealed: Buffer) => Buffer.from(sealed).reverse().toString(),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: (typeof permissionHandlers)[number]) => void permissionHandlers.push(handler),
        setPermissionCheckHandler: () => undefined,
        webRequest: { onHeadersReceived: () => undefined },
      },
    },
    shell: { openPath: () => Promise.resolve('') },
    utilityProcess: {
      fork: (modulePath: string, args: string[], options: FakeChild['options']) => {
        timeline.push('utilityProcess.fork');
        const child = new FakeChild(modulePath, args, options);
        forks.push(child);
        return child;
      },
    },
  };
});

interface Fake {
  timeline: string[];
  markReady(): void;
  reset(): void;
  forks: {
    modulePath: string;
    args: string[];
    options: { env: Record<string, string>; cwd: string; stdio: string };
    stdout: NodeJS.EventEmitter;
    posted: unknown[];
    kills: number;
    exitAfterShutdown(): void;
  }[];
  FakeWindow: { all: { options: { webPreferences: Record<string, unknown> }; loaded: string[] }[] };
  FakeTray: { all: { images: string[]; menu: { label?: string }[] }[] };
  ipcChannels: string[];
  permissionHandlers: ((contents: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl?: string }) => void)[];
}

async function launch() {
  const electron = (await import('electron')) as unknown as { fake: Fake; app: { singleInstance: boolean; exited: boolean; quit(): void; emit(event: string, ...args: unknown[]): boolean } };
  const { startDesktop } = await import('../../main/src/edge/start-desktop.ts');
  electron.fake.reset();
  return { fake: electron.fake, app: electron.app, startDesktop };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
const dataDir = path.join(appData, 'Gatehouse');
const readyLine = '{"event":"ready","url":"http://127.0.0.1:9080","pid":4242,"dataDir":"x","database":"embedded"}\n';

const signalListeners = () => [...process.listeners('SIGINT'), ...process.listeners('SIGTERM')];
let signalListenersBefore: Function[] = [];
beforeEach(() => {
  process.env.GH_TEST_APP_DATA = appData;
  // A fresh copy of the app's modules (a new supervisor, new state) for each test.
  vi.resetModules();
  signalListenersBefore = signalListeners();
});
afterEach(() => {
  // The app listens for SIGINT/SIGTERM on the real process: leave the test worker as it was.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) if (!signalListenersBefore.includes(listener)) process.off(signal, listener);
  }
});

describe('the desktop app, from launch to the window', () => {
  it('takes the single-instance lock, waits for Electron, starts the server, and opens the window on its ready line', async () => {
    const { fake, startDesktop } = await launch();
    const started = startDesktop('/opt/gatehouse/app.asar');
    await settle();
    expect(fake.timeline).toEqual(['app.setName Gatehouse', 'app.setPath userData', 'app.requestSingleInstanceLock']);

    fake.markReady();
    await started;
    expect(fake.timeline.slice(3)).toEqual(['app ready', 'utilityProcess.fork']);
    const server = fake.forks[0]!;
    expect(server.modulePath).toBe(path.join('/opt/gatehouse/app.asar', 'dist', 'gatehouse.mjs'));
    expect(server.args).toEqual(['serve', '--json', '--data', dataDir]);
    expect(server.options).toMatchObject({ cwd: dataDir, stdio: 'pipe' });
    const token = server.options.env[BOOTSTRAP_TOKEN_ENV]!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(server.options.env.GATEHOUSE_SECRETS_MASTER_KEY).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(fake.FakeWindow.all).toHaveLength(0);
    expect(fake.FakeTray.all[0]!.images.at(-1)).toMatch(/tray[\\/]starting\.png$/);

    server.stdout.emit('data', Buffer.from(readyLine));
    expect(fake.FakeWindow.all).toHaveLength(1);
    const window = fake.FakeWindow.all[0]!;
    expect(window.options.webPreferences).toMatchObject({
      preload: path.join('/opt/gatehouse/app.asar', 'dist', 'main', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    expect(window.loaded).toEqual([`http://127.0.0.1:9080/bootstrap?token=${token}`]);
    expect(fake.FakeTray.all[0]!.images.at(-1)).toMatch(/tray[\\/]running\.png$/);
  });

  it('holds every web contents to the app and denies permissions before any window exists', async () => {
    const { fake, app, startDesktop } = await launch();
    const started = startDesktop('/app');
    fake.markReady();
    await started;
    expect(fake.ipcChannels.sort()).toEqual(['data-folder:open', 'desktop:info', 'server:status']);
    let granted: boolean | undefined;
    fake.permissionHandlers[0]!(null, 'media', (answer) => (granted = answer), { requestingUrl: 'http://127.0.0.1:9080/admin' });
    expect(granted).toBe(false);

    const handlers: string[] = [];
    const contents = { on: (event: string) => void handlers.push(event), setWindowOpenHandler: () => void handlers.push('window-open') };
    app.emit('web-contents-created', {}, contents);
    expect(handlers.sort()).toEqual(['will-attach-webview', 'will-navigate', 'will-redirect', 'window-open']);
  });

  it('quits at once as a second instance, starting nothing', async () => {
    const { fake, app, startDesktop } = await launch();
    app.singleInstance = false;
    await startDesktop('/app');
    fake.markReady();
    await settle();
    expect(fake.timeline).toEqual(['app.setName Gatehouse', 'app.setPath userData', 'app.requestSingleInstanceLock', 'app.quit', 'app exited']);
    expect(fake.forks).toHaveLength(0);
  });
});

describe('the desktop app, from Quit to exit', () => {
  it('sends the server SIGTERM and exits only after the server has exited', async () => {
    const { fake, app, startDesktop } = await launch();
    const started = startDesktop('/app');
    fake.markReady();
    await started;
    const server = fake.forks[0]!;
    server.stdout.emit('data', Buffer.from(readyLine));

    app.quit();
    await settle();
    expect(server.kills).toBe(1);
    expect(app.exited).toBe(false);
    server.exitAfterShutdown();
    await settle();
    expect(app.exited).toBe(true);
    expect(fake.timeline.slice(-5)).toEqual(['app.quit', 'server sent SIGTERM', 'server exited', 'app.quit', 'app exited']);
  });

  it('asks the server to stop with a message on Windows, where kill() would end it at once', async () => {
    const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
    const { fake, app, startDesktop } = await launch();
    const started = startDesktop('/app');
    fake.markReady();
    await started;
    Object.defineProperty(process, 'platform', { value: 'win32' });
    try {
      app.quit();
    } finally {
      Object.defineProperty(process, 'platform', platform);
    }
    const server = fake.forks[0]!;
    expect(server.posted).toEqual([SHUTDOWN_MESSAGE]);
    expect(server.kills).toBe(0);
    server.exitAfterShutdown();
    await settle();
    expect(app.exited).toBe(true);
  });
});
