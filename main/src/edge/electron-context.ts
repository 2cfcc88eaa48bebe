// Builds the modules' context from Electron (an edge file): the ports are Electron's own objects,
// or thin wrappers where Electron's API takes other shapes (images, menus, dialogs).
import os from 'node:os';
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, safeStorage, session, shell, Tray } from 'electron';
import type { DesktopContext } from '../desktop-context.ts';
import type { AppPort, IpcMainPort, SafeStoragePort, SessionPort, WindowPort } from '../electron-ports.ts';
import { autostartLoginItem, HIDDEN_FLAG, systemLoginItem, type LoginItem } from '../login-item.ts';
import { MainWindow } from '../main-window.ts';
import { ServerSupervisor } from '../server-supervisor.ts';
import { mainWindowOptions } from '../window-options.ts';
import { launchUtilityServer } from './utility-server-process.ts';

/** `appRoot` holds package.json, dist/ and resources/: the repository, or app.asar when packaged. */
export function createElectronContext(appRoot: string): DesktopContext {
  const platform = process.platform;
  const dataDir = app.getPath('userData');
  const serverEntry = path.join(appRoot, 'dist', 'gatehouse.mjs');
  const preload = path.join(appRoot, 'dist', 'main', 'preload.cjs');
  const resources = path.join(appRoot, 'resources');
  const state: DesktopContext['state'] = { quitting: false, masterKey: null };

  const supervisor = new ServerSupervisor({
    launch: (env) => launchUtilityServer(serverEntry, dataDir, env),
    logFile: path.join(dataDir, 'logs', 'gatehouse.log'),
  });
  const mainWindow = new MainWindow({
    createWindow: (): WindowPort => new BrowserWindow(mainWindowOptions({ preload, icon: path.join(resources, 'icon.png') })),
    session: () => supervisor.currentSession(),
    quitting: () => state.quitting,
  });

  return {
    app: app satisfies AppPort,
    platform,
    startedHidden: process.argv.includes(HIDDEN_FLAG) || (platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin),
    dataDir,
    supervisor,
    mainWindow,
    ipcMain: ipcMain satisfies IpcMainPort,
    safeStorage: safeStorage satisfies SafeStoragePort,
    dialogs: {
      showError: (title, message, detail) => void dialog.showMessageBox({ type: 'error', title, message, detail }),
      showWarning: (title, message) => void dialog.showMessageBox({ type: 'warning', title, message }),
    },
    loginItem: loginItemFor(platform),
    trayImages: {
      running: path.join(resources, 'tray', 'running.png'),
      starting: path.join(resources, 'tray', 'starting.png'),
      error: path.join(resources, 'tray', 'error.png'),
    },
    defaultSession: (): SessionPort => session.defaultSession,
    createTray(image) {
      const icon = new Tray(nativeImage.createFromPath(image));
      return {
        setImage: (file) => icon.setImage(nativeImage.createFromPath(file)),
        setToolTip: (text) => icon.setToolTip(text),
        setMenu: (template) => icon.setContextMenu(Menu.buildFromTemplate(template)),
      };
    },
    openFolder: (folder) => shell.openPath(folder),
    onSignal: (signal, listener) => void process.on(signal, listener),
    log: (level, message) => console[level](`gatehouse: ${message}`),
    state,
  };
}

function loginItemFor(platform: NodeJS.Platform): LoginItem {
  if (platform !== 'linux') return systemLoginItem(app);
  const configHome = process.env.XDG_CONFIG_HOME && path.isAbsolute(process.env.XDG_CONFIG_HOME) ? process.env.XDG_CONFIG_HOME : path.join(os.homedir(), '.config');
  // An AppImage runs from a new mount point each time: the autostart entry names the AppImage file itself.
  return autostartLoginItem(configHome, process.env.APPIMAGE ?? process.execPath);
}
