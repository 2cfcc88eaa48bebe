// Where Gatehouse's own files are, whether it runs from the TypeScript sources (tsx) or from the
// bundle in dist/ (npm start, the desktop app): both live inside the package folder.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'gatehouse') return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find Gatehouse's package.json above ${start}`);
  }
}

export const PACKAGE_ROOT = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));
export const MIGRATIONS_DIR = path.join(PACKAGE_ROOT, 'server', 'src', 'db', 'migrations');
export const VERSION = (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
