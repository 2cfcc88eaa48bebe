// Media: files an admin adds that live beside the database (a logo), under <data dir>/media. A backup carries
// them; a restore replaces the folder as a whole after the database swap.
import fs from 'node:fs';
import path from 'node:path';

export function mediaDir(dataDir: string): string {
  return path.join(dataDir, 'media');
}

/** Regular files under dir, as relative paths with forward slashes, sorted; symlinks and other kinds are skipped. */
export function listMediaFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const found: string[] = [];
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) found.push(child);
    }
  };
  walk('');
  return found.sort();
}

/**
 * A media path from an archive, checked before it is joined to a folder: relative, forward slashes, no `..`,
 * no empty or dot segments, printable. A hostile archive must not write outside the media folder.
 */
export function safeMediaPath(relative: string): string | null {
  if (relative.length === 0 || relative.length > 255) return null;
  if (!/^[A-Za-z0-9._ -]+(\/[A-Za-z0-9._ -]+)*$/.test(relative)) return null;
  if (relative.split('/').some((segment) => segment === '.' || segment === '..')) return null;
  return relative;
}
