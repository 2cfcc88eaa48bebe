// What every desktop module gets in enable(ctx): the Electron surfaces it may use (as ports), the services,
// and the little state they share. The edge (edge/electron-context.ts) builds it from Electron; tests build it from fakes.
import type { AppPort, DialogPort, IpcMainPort, SafeStoragePort, SessionPort, TrayPort } from './electron-ports.ts';
import type { LoginItem } from './login-item.ts';
import type { MainWindow } from './main-window.ts';
import type { MasterKeyChoice } from './master-key.ts';
import { originOf } from './same-origin.ts';
import type { TrayStatus } from './server-status.ts';
import type { ServerSupervisor } from './server-supervisor.ts';

export interface DesktopContext {
  app: AppPort;
  platform: NodeJS.Platform;
  /** Started at login with --hidden: no window until the user asks for one. */
  startedHidden: boolean;
  dataDir: string;
  supervisor: ServerSupervisor;
  mainWindow: MainWindow;
  ipcMain: IpcMainPort;
  safeStorage: SafeStoragePort;
  dialogs: DialogPort;
  loginItem: LoginItem;
  trayImages: Record<TrayStatus, string>;
  /** Only after the app is ready. */
  defaultSession(): SessionPort;
  /** Only after the app is ready. */
  createTray(image: string): TrayPort;
  /** Opens a folder in the file manager; resolves to an error message, or "" (shell.openPath). */
  openFolder(folder: string): Promise<string>;
  onSignal(signal: 'SIGINT' | 'SIGTERM', listener: () => void): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  state: {
    quitting: boolean;
    masterKey: MasterKeyChoice | null;
  };
}

/** The server's origin while it is ready; null otherwise, when no page may load, navigate or call IPC. */
export function appOriginOf(ctx: Pick<DesktopContext, 'supervisor'>): string | null {
  const session = ctx.supervisor.currentSession();
  return session ? originOf(session.ready.url) : null;
}
