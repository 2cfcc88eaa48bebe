// The tray: its status image and menu, and "Start at login" on each platform.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MenuItemTemplate } from '../../main/src/electron-ports.ts';
import { autostartEntry, autostartLoginItem, systemLoginItem } from '../../main/src/login-item.ts';
import { describeStatus, trayStatusOf, type ServerStatus } from '../../main/src/server-status.ts';
import { trayMenuTemplate, type TrayActions } from '../../main/src/tray-menu.ts';

const running: ServerStatus = { state: 'running', url: 'http://127.0.0.1:9080', setupPending: false };
const failed: ServerStatus = { state: 'failed', message: 'Port 9080 is in use.', logTail: [] };

function menu(status: ServerStatus, options: { startAtLogin?: boolean; masterKeyWarning?: string | null } = {}) {
  const called: string[] = [];
  const actions: TrayActions = {
    open: () => called.push('open'),
    backupNow: () => called.push('backupNow'),
    startAgain: () => called.push('startAgain'),
    openDataFolder: () => called.push('openDataFolder'),
    setStartAtLogin: (enabled) => called.push(`setStartAtLogin ${enabled}`),
    quit: () => called.push('quit'),
  };
  const items = trayMenuTemplate({ status, startAtLogin: options.startAtLogin ?? false, masterKeyWarning: options.masterKeyWarning ?? null }, actions);
  const item = (label: string): MenuItemTemplate => items.find((candidate) => candidate.label === label)!;
  return { items, item, called, labels: items.filter((candidate) => candidate.type !== 'separator').map((candidate) => candidate.label) };
}

describe('the tray', () => {
  it('shows running, starting or error', () => {
    expect(trayStatusOf(running)).toBe('running');
    expect(trayStatusOf({ state: 'starting', attempt: 1 })).toBe('starting');
    expect(trayStatusOf({ state: 'stopping' })).toBe('starting');
    expect(trayStatusOf({ state: 'restarting', attempt: 1, maxAttempts: 3, inMs: 5_000, reason: 'x' })).toBe('error');
    expect(trayStatusOf(failed)).toBe('error');
    expect(describeStatus({ state: 'restarting', attempt: 2, maxAttempts: 3, inMs: 5_000, reason: 'x' })).toBe('Stopped unexpectedly; restarting in 5 s (2 of 3)');
  });

  it('offers Open, Backup now, Open data folder, Start at login and Quit, each doing its job', () => {
    const { labels, item, called } = menu(running);
    expect(labels).toEqual(['Gatehouse: Running at http://127.0.0.1:9080', 'Open Gatehouse', 'Backup now…', 'Open data folder', 'Start at login', 'Quit Gatehouse']);
    for (const label of ['Open Gatehouse', 'Backup now…', 'Open data folder', 'Start at login', 'Quit Gatehouse']) item(label).click!();
    expect(called).toEqual(['open', 'backupNow', 'openDataFolder', 'setStartAtLogin true', 'quit']);
  });

  it('cannot open the window or a backup before the server is ready', () => {
    const { item } = menu({ state: 'starting', attempt: 1 });
    expect(item('Open Gatehouse').enabled).toBe(false);
    expect(item('Backup now…').enabled).toBe(false);
    expect(item('Quit Gatehouse').enabled).not.toBe(false);
  });

  it('offers to start the server again once it has given up', () => {
    expect(menu(running).labels).not.toContain('Start the server again');
    const { item, called } = menu(failed);
    item('Start the server again').click!();
    expect(called).toEqual(['startAgain']);
  });

  it('shows Start at login checked when it is on, and turns it off', () => {
    const { item, called } = menu(running, { startAtLogin: true });
    expect(item('Start at login')).toMatchObject({ type: 'checkbox', checked: true });
    item('Start at login').click!();
    expect(called).toEqual(['setStartAtLogin false']);
  });

  it('says so while the master key is kept in a file', () => {
    expect(menu(running, { masterKeyWarning: 'no keyring' }).labels).toContain('Master key kept in a file: no OS keyring');
  });
});

describe('Start at login', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-main-login-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('on Linux, writes and removes a freedesktop autostart entry that starts Gatehouse hidden', () => {
    const item = autostartLoginItem(root, '/home/me/Apps/Gatehouse-0.1.0.AppImage');
    expect(item.isEnabled()).toBe(false);
    item.setEnabled(true);
    expect(item.isEnabled()).toBe(true);
    const entry = fs.readFileSync(path.join(root, 'autostart', 'gatehouse.desktop'), 'utf8');
    expect(entry).toContain('Exec="/home/me/Apps/Gatehouse-0.1.0.AppImage" --hidden\n');
    item.setEnabled(false);
    expect(item.isEnabled()).toBe(false);
  });

  it('quotes the executable as the Desktop Entry Specification asks', () => {
    expect(autostartEntry('/opt/My "Gate" $HOME/a`b`\\c')).toContain('Exec="/opt/My \\"Gate\\" \\$HOME/a\\`b\\`\\\\c" --hidden');
  });

  it("on macOS and Windows, uses the OS's login items with --hidden", () => {
    const settings: unknown[] = [];
    const item = systemLoginItem({
      getLoginItemSettings: (options) => (settings.push(options), { openAtLogin: true }),
      setLoginItemSettings: (value) => void settings.push(value),
    });
    expect(item.isEnabled()).toBe(true);
    item.setEnabled(false);
    expect(settings).toEqual([{ args: ['--hidden'] }, { openAtLogin: false, args: ['--hidden'] }]);
  });
});
