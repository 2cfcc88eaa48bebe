// The tray's menu, from the server's status: what can be done now, and what cannot yet.
import type { MenuItemTemplate } from './electron-ports.ts';
import { describeStatus, type ServerStatus } from './server-status.ts';

export interface TrayActions {
  open(): void;
  backupNow(): void;
  startAgain(): void;
  openDataFolder(): void;
  setStartAtLogin(enabled: boolean): void;
  quit(): void;
}

export interface TrayView {
  status: ServerStatus;
  startAtLogin: boolean;
  /** Set while the master key is in a file because there is no OS keyring. */
  masterKeyWarning: string | null;
}

export function trayMenuTemplate(view: TrayView, actions: TrayActions): MenuItemTemplate[] {
  const running = view.status.state === 'running';
  return [
    { label: `Gatehouse: ${describeStatus(view.status)}`, enabled: false },
    ...(view.masterKeyWarning ? [{ label: 'Master key kept in a file: no OS keyring', enabled: false }] : []),
    { type: 'separator' },
    { label: 'Open Gatehouse', enabled: running, click: actions.open },
    // The admin API needs a signed-in admin and a passphrase for a backup, so this opens the Backups page.
    { label: 'Backup now…', enabled: running, click: actions.backupNow },
    ...(view.status.state === 'failed' ? [{ label: 'Start the server again', click: actions.startAgain }] : []),
    { label: 'Open data folder', click: actions.openDataFolder },
    { type: 'separator' },
    { label: 'Start at login', type: 'checkbox', checked: view.startAtLogin, click: () => actions.setStartAtLogin(!view.startAtLogin) },
    { type: 'separator' },
    { label: 'Quit Gatehouse', click: actions.quit },
  ];
}
