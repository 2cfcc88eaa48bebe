// A size-rotated log file: gatehouse.log, gatehouse.log.1 … gatehouse.log.N.
// Writes are synchronous so the last lines before a crash are on disk.
import fs from 'node:fs';

export class RotatingFile {
  private fd: number;
  private size: number;

  constructor(
    private readonly filePath: string,
    private readonly maxBytes: number,
    private readonly keep: number,
  ) {
    this.fd = fs.openSync(filePath, 'a', 0o600);
    this.size = fs.fstatSync(this.fd).size;
  }

  write(chunk: string): boolean {
    const bytes = Buffer.byteLength(chunk);
    if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
    fs.writeSync(this.fd, chunk);
    this.size += bytes;
    return true;
  }

  close(): void {
    fs.closeSync(this.fd);
  }

  private rotate(): void {
    fs.closeSync(this.fd);
    rotateFiles(this.filePath, this.keep);
    this.fd = fs.openSync(this.filePath, 'a', 0o600);
    this.size = 0;
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
