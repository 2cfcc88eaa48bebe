// The size-rotated log file: gatehouse.log, gatehouse.log.1 … gatehouse.log.N.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { RotatingFile, rotateFiles } from '../../server/src/appliance/rotating-file.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-rotating-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let dirs = 0;
function logPath(): string {
  const dir = path.join(root, `d${dirs++}`);
  fs.mkdirSync(dir);
  return path.join(dir, 'gatehouse.log');
}

const read = (file: string) => fs.readFileSync(file, 'utf8');
/** The log's files, oldest first: file.N … file.1, file. */
function logFiles(file: string): string[] {
  const rotated = fs
    .readdirSync(path.dirname(file))
    .filter((name) => name.startsWith(`${path.basename(file)}.`))
    .map((name) => Number(name.slice(path.basename(file).length + 1)))
    .sort((a, b) => b - a)
    .map((n) => `${file}.${n}`);
  return [...rotated, ...(fs.existsSync(file) ? [file] : [])];
}
const line = (n: number) => `line ${String(n).padStart(4, '0')}\n`; // 10 bytes

describe('RotatingFile', () => {
  it('creates the log readable by its owner only', () => {
    const file = logPath();
    const log = new RotatingFile(file, 100, 2);
    log.write(line(1));
    log.close();
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(read(file)).toBe(line(1));
  });

  it('rotates before a write would pass maxBytes, so no file grows past it and no line is split or lost', () => {
    const file = logPath();
    const log = new RotatingFile(file, 35, 10);
    for (let n = 1; n <= 10; n++) log.write(line(n));
    log.close();
    const files = logFiles(file);
    expect(files.map((f) => path.basename(f))).toEqual(['gatehouse.log.3', 'gatehouse.log.2', 'gatehouse.log.1', 'gatehouse.log']);
    for (const f of files) expect(fs.statSync(f).size).toBeLessThanOrEqual(35);
    expect(files.map(read).join('')).toBe(Array.from({ length: 10 }, (_, i) => line(i + 1)).join(''));
  });

  it('keeps only `keep` rotated files, dropping the oldest lines', () => {
    const file = logPath();
    const log = new RotatingFile(file, 20, 2);
    for (let n = 1; n <= 10; n++) log.write(line(n));
    log.close();
    const files = logFiles(file);
    expect(files.map((f) => path.basename(f))).toEqual(['gatehouse.log.2', 'gatehouse.log.1', 'gatehouse.log']);
    expect(files.map(read).join('')).toBe([5, 6, 7, 8, 9, 10].map(line).join(''));
  });

  it('continues an existing log, counting what it already holds', () => {
    const file = logPath();
    fs.writeFileSync(file, 'x'.repeat(30));
    const log = new RotatingFile(file, 35, 2);
    log.write(line(1));
    log.close();
    expect(read(`${file}.1`)).toBe('x'.repeat(30));
    expect(read(file)).toBe(line(1));
  });

  it('writes a line longer than maxBytes whole, into a file of its own', () => {
    const file = logPath();
    const log = new RotatingFile(file, 20, 3);
    log.write(line(1));
    const long = `${'y'.repeat(50)}\n`;
    log.write(long);
    log.write(line(2));
    log.close();
    expect(logFiles(file).map(read)).toEqual([line(1), long, line(2)]);
  });

  it('counts bytes, not characters', () => {
    const file = logPath();
    const log = new RotatingFile(file, 20, 2);
    log.write('ééééé\n'); // 11 bytes in 6 characters
    log.write('ééééé\n');
    log.close();
    expect(logFiles(file)).toHaveLength(2);
  });

  it('ignores writes after close, rather than writing to whatever file reuses its descriptor', () => {
    const file = logPath();
    const log = new RotatingFile(file, 1_000, 2);
    log.write(line(1));
    log.close();
    // The descriptor number the log had is free now, and the next open takes it.
    const other = path.join(path.dirname(file), 'other.db');
    const otherFd = fs.openSync(other, 'w');
    try {
      expect(() => log.write(line(2))).not.toThrow();
      expect(() => log.close()).not.toThrow();
    } finally {
      fs.closeSync(otherFd);
    }
    expect(read(other)).toBe('');
    expect(read(file)).toBe(line(1));
  });

  it('keeps logging into the current file when rotation fails, and rotates once it can', () => {
    const file = logPath();
    // gatehouse.log.2 is a folder with something in it: rotation cannot remove it (this fails as root too).
    fs.mkdirSync(`${file}.2`);
    fs.writeFileSync(path.join(`${file}.2`, 'keep'), '');
    const log = new RotatingFile(file, 20, 2);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      for (let n = 1; n <= 4; n++) expect(() => log.write(line(n))).not.toThrow();
      expect(read(file)).toBe([1, 2, 3, 4].map(line).join(''));
      expect(stderr).toHaveBeenCalledTimes(1);
      expect(String(stderr.mock.calls[0]![0])).toContain(file);

      fs.rmSync(`${file}.2`, { recursive: true });
      log.write(line(5));
      log.close();
    } finally {
      stderr.mockRestore();
    }
    expect(read(`${file}.1`)).toBe([1, 2, 3, 4].map(line).join(''));
    expect(read(file)).toBe(line(5));
  });

  it('does not throw when the disk is full, and says so once on stderr', () => {
    // /dev/full fails every write with ENOSPC, for root too.
    const log = new RotatingFile('/dev/full', 1_000, 2);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => log.write(line(1))).not.toThrow();
      expect(() => log.write(line(2))).not.toThrow();
      expect(stderr).toHaveBeenCalledTimes(1);
      expect(String(stderr.mock.calls[0]![0])).toMatch(/ENOSPC|no space/i);
    } finally {
      stderr.mockRestore();
      log.close();
    }
  });
});

describe('rotateFiles', () => {
  it('shifts file → file.1 → file.2 and drops what would pass keep', () => {
    const file = logPath();
    fs.writeFileSync(file, 'now');
    fs.writeFileSync(`${file}.1`, 'older');
    fs.writeFileSync(`${file}.2`, 'oldest');
    rotateFiles(file, 2);
    expect(fs.existsSync(file)).toBe(false);
    expect(read(`${file}.1`)).toBe('now');
    expect(read(`${file}.2`)).toBe('older');
    expect(fs.existsSync(`${file}.3`)).toBe(false);
  });

  it('fills gaps without losing files', () => {
    const file = logPath();
    fs.writeFileSync(file, 'now');
    fs.writeFileSync(`${file}.2`, 'old');
    rotateFiles(file, 3);
    expect(read(`${file}.1`)).toBe('now');
    expect(read(`${file}.3`)).toBe('old');
  });
});
