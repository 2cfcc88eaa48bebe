// Starts the desktop app (an edge file): the data dir's name, then the modules in order.
import path from 'node:path';
import { app, dialog } from 'electron';
import { enableModules } from '../desktop-module.ts';
import { DESKTOP_MODULES } from '../desktop-modules.ts';
import { createElectronContext } from './electron-context.ts';

export const PRODUCT_NAME = 'Gatehouse';

export async function startDesktop(appRoot: string): Promise<void> {
  // The same app-data dir whether it runs from a checkout (package name "gatehouse") or packaged: userData is the data dir.
  // Set before anything reads it; the single-instance lock lives there too.
  app.setName(PRODUCT_NAME);
  app.setPath('userData', path.join(app.getPath('appData'), PRODUCT_NAME));
  try {
    await enableModules(createElectronContext(appRoot), DESKTOP_MODULES);
  } catch (error) {
    dialog.showErrorBox('Gatehouse could not start', error instanceof Error ? (error.stack ?? error.message) : String(error));
    app.exit(1);
  }
}
