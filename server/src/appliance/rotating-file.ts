// A size-rotated log file: gatehouse.log, gatehouse.log.1 … gatehouse.log.N.
// Writes are synchronous so the last lines before a crash are on disk.
import fs from 'node:fs';
import { errorMessage } from './errors.ts';

export class RotatingFile {
  /** null once closed: a closed descriptor's number is soon reused by another file, which must never receive log lines. */
  private fd: number | null;
  private size: number;
  /** Problems already reported on stderr, so a lasting one is told once, not once per line. */
  private readonly failing = { write: false, rotate: false };

  constructor(
    private readonly filePath: string,
    private readonly maxBytes: number,
    private readonly keep: number,
  ) {
    this.fd = fs.openSync(filePath, 'a', 0o600);
    this.size = fs.fstatSync(this.fd).size;
  }

  /** Never throws: a log line that cannot be written must not fail the work that logged it. */
  write(chunk: string): boolean {
    if (this.fd === null) return true; // Closed: lines logged late in shutdown reach stderr only.
    const bytes = Buffer.byteLength(chunk);
    if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
    try {
      fs.writeSync(this.fd, chunk);
      this.size += bytes;
      this.failing.write = false;
    } catch (error) {
      this.report('write', `Gatehouse cannot write its log file ${this.filePath} (${errorMessage(error)}); until it can, log lines go to the terminal only.`);
    }
    return true;
  }

  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    fs.closeSync(fd);
  }

  private rotate(): void {
    // The old file stays open until the new one is: if rotation fails, lines keep going to the old file.
    // (Renaming an open file works on Windows too: libuv opens files with FILE_SHARE_DELETE.)
    try {
      rotateFiles(this.filePath, this.keep);
      const fd = fs.openSync(this.filePath, 'a', 0o600);
      fs.closeSync(this.fd!);
      this.fd = fd;
      this.size = 0;
      this.failing.rotate = false;
    } catch (error) {
      this.report('rotate', `Gatehouse cannot rotate its log file ${this.filePath} (${errorMessage(error)}); it keeps growing until it can.`);
    }
  }

  private report(problem: 'write' | 'rotate', message: string): void {
    if (this.failing[problem]) return;
    this.failing[problem] = true;
    process.stderr.write(`${message}\n`);
  }
}

/** Shifts file → file.1 → … → file.keep, dropping the oldest. */
export function rotateFiles(filePath: string, keep: number): void {
  fs.rmSync(`${filePath}.${keep}`, { force: true });
  for (let i = keep - 1; i >= 1; i--) {
    if (fs.existsSync(`${filePath}.${i}`)) fs.renameSync(`${filePath}.${i}`, `${filePath}.${i + 1}`);
  }
  if (fs.existsSync(filePath)) fs.renameSync(filePath, `${filePath}.1`);
}
