// The logo file: <data dir>/media/branding/logo-<hash>.<ext>, so a backup carries it (backup/media.ts). Named after
// its content, written to a hidden temporary file, flushed, then renamed into place: a reader (or a crash) never sees
// half a logo, and the settings row only ever points at a complete file.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { writeFileAtomically } from '../../appliance/atomic-file.ts';
import { mediaDir } from '../../backup/media.ts';
import { LOGO_EXTENSIONS, type LogoType } from './logo-format.ts';

/** Where a logo is, relative to the media folder (as the branding setting stores it). */
export const LOGO_FOLDER = 'branding';

export interface StoredLogo {
  /** Relative to the media folder, forward slashes. */
  file: string;
  contentType: LogoType;
  sha256: string;
  bytes: number;
}

export class LogoStore {
  constructor(private readonly dataDir: string) {}

  /** Writes the file (atomically) and describes it; an identical logo is written once. */
  write(bytes: Buffer, contentType: LogoType): StoredLogo {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const file = `${LOGO_FOLDER}/logo-${sha256.slice(0, 16)}.${LOGO_EXTENSIONS[contentType]}`;
    writeFileAtomically(this.pathOf(file), bytes);
    return { file, contentType, sha256, bytes: bytes.length };
  }

  /** The file's absolute path; only names this store makes are accepted. */
  pathOf(file: string): string {
    if (!/^branding\/logo-[0-9a-f]{16}\.(png|jpg|webp)$/.test(file)) throw new Error(`not a logo file name: ${file}`);
    return path.join(mediaDir(this.dataDir), file);
  }

  remove(file: string): void {
    fs.rmSync(this.pathOf(file), { force: true });
  }
}
