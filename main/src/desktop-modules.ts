// The desktop app, in the order its modules are enabled: what must hold before any window exists comes first.
import type { DesktopModule } from './desktop-module.ts';
import { appReady } from './modules/app-ready.ts';
import { ipcHandlers } from './modules/ipc-handlers.ts';
import { quitSequence } from './modules/quit-sequence.ts';
import { serverLifecycle } from './modules/server-lifecycle.ts';
import { sessionGuards } from './modules/session-guards.ts';
import { singleInstance } from './modules/single-instance.ts';
import { tray } from './modules/tray.ts';
import { webContentsGuards } from './modules/web-contents-guards.ts';

export const DESKTOP_MODULES: readonly DesktopModule[] = [
  singleInstance,
  webContentsGuards,
  quitSequence,
  appReady,
  sessionGuards,
  ipcHandlers,
  tray,
  serverLifecycle,
];
