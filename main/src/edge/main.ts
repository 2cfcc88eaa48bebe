// The Electron main entry, bundled to dist/main/index.cjs (package.json "main" in the packaged app).
import path from 'node:path';
import { startDesktop } from './start-desktop.ts';

// dist/main/ → the app's root: the checkout, or app.asar when packaged.
void startDesktop(path.resolve(__dirname, '..', '..'));
