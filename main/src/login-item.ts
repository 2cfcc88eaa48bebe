// "Start at login". macOS and Windows have Electron's login item settings; Linux has none, so there the shell writes
// the freedesktop autostart entry ($XDG_CONFIG_HOME/autostart/gatehouse.desktop) itself.
// A start at login passes --hidden: the server comes up in the tray, and no window opens until the user asks.
import fs from 'node:fs';
import path from 'node:path';

export const HIDDEN_FLAG = '--hidden';

export interface LoginItem {
  isEnabled(): boolean;
  setEnabled(enabled: boolean): void;
}

export interface LoginItemSettingsPort {
  getLoginItemSettings(options?: { args?: string[] }): { openAtLogin: boolean };
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
}

/** macOS and Windows: the OS's own list of login items. */
export function systemLoginItem(app: LoginItemSettingsPort): LoginItem {
  const args = [HIDDEN_FLAG];
  return {
    isEnabled: () => app.getLoginItemSettings({ args }).openAtLogin,
    setEnabled: (enabled) => app.setLoginItemSettings({ openAtLogin: enabled, args }),
  };
}

/** Linux: an autostart entry. `executable` is the AppImage file for an AppImage (its mount point changes every run). */
export function autostartLoginItem(configHome: string, executable: string): LoginItem {
  const file = path.join(configHome, 'autostart', 'gatehouse.desktop');
  return {
    isEnabled: () => fs.existsSync(file),
    setEnabled(enabled) {
      if (!enabled) {
        fs.rmSync(file, { force: true });
        return;
      }
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, autostartEntry(executable));
    },
  };
}

export function autostartEntry(executable: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Gatehouse',
    'Comment=Start Gatehouse in the tray',
    `Exec=${quoteExecArgument(executable)} ${HIDDEN_FLAG}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Desktop Entry Specification, "The Exec key": a quoted argument escapes ", `, $ and \ with a backslash. */
function quoteExecArgument(argument: string): string {
  return `"${argument.replace(/(["`$\\])/g, '\\$1')}"`;
}
