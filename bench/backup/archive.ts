// Backup archive micro-benchmark: MB/s writing and reading ~500 MB of COPY-like text through the archive, with and
// without deflate, and the size of the file against its plaintext. Disk included: the archive goes to a temporary file.
//   node --import tsx bench/backup/archive.ts [megabytes]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ArchiveWriter, DEFAULT_KDF, deriveArchiveKey, readArchive } from '../../server/src/backup/archive.ts';

const TOTAL_BYTES = Number(process.argv[2] ?? 500) * 1e6;
/** pg-copy-streams hands COPY out in pieces of about this size. */
const PIECE_BYTES = 64 * 1024;
/** Distinct text, cycled: far more than deflate's 32 KiB window, so repeats give it nothing. */
const POOL_BYTES = 64 * 1024 * 1024;
const PASSPHRASE = 'benchmark passphrase';
const META = { createdAt: new Date().toISOString(), appVersion: 'bench', schemaVersion: 'bench' };

/** Rows shaped like Gatehouse's users table in COPY text format. */
function copyPieces(): Buffer[] {
  const pieces: Buffer[] = [];
  let lines: string[] = [];
  let size = 0;
  let made = 0;
  for (let row = 1; made < POOL_BYTES; row++) {
    const id = `${(row * 2_654_435_761) >>> 0}`.padStart(10, '0');
    const line = `${row}\t0190a3f2-${id.slice(0, 4)}-7${id.slice(4, 7)}-8${id.slice(7)}-${row.toString(16).padStart(12, '0')}\tuser${row}@example.com\tUser ${(row * 7919) % 100_003}\t2026-${String((row % 12) + 1).padStart(2, '0')}-${String((row % 28) + 1).padStart(2, '0')} ${String(row % 24).padStart(2, '0')}:${String(row % 60).padStart(2, '0')}:${String((row * 7) % 60).padStart(2, '0')}.${String(row % 1e6).padStart(6, '0')}+00\t{"groups":[${row % 13},${row % 7}],"mfa":${row % 3 === 0},"locale":"en"}\t\\N\n`;
    lines.push(line);
    size += line.length;
    if (size >= PIECE_BYTES) {
      const piece = Buffer.from(lines.join(''));
      pieces.push(piece);
      made += piece.length;
      lines = [];
      size = 0;
    }
  }
  return pieces;
}

async function writeArchiveFile(file: string, compression: 'none' | 'deflate-raw', pieces: Buffer[]): Promise<{ seconds: number; plaintext: number }> {
  const output = fs.createWriteStream(file);
  const writer = await ArchiveWriter.create({ output, passphrase: PASSPHRASE, meta: META, compression });
  const started = performance.now();
  await writer.beginEntry('table', 'users', { columns: ['id', 'uuid', 'email', 'name', 'created_at', 'attributes', 'deleted_at'] });
  for (let i = 0; writer.plaintextBytes < TOTAL_BYTES; i++) await writer.write(pieces[i % pieces.length]!);
  await writer.endEntry();
  await writer.finish();
  await new Promise<void>((resolve, reject) => output.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return { seconds: (performance.now() - started) / 1000, plaintext: writer.plaintextBytes };
}

async function readArchiveFile(file: string): Promise<{ seconds: number; plaintext: number }> {
  let plaintext = 0;
  let started = 0;
  for await (const event of readArchive(fs.createReadStream(file), PASSPHRASE)) {
    // The clock starts after the key derivation, which is timed on its own.
    if (event.type === 'begin') started = performance.now();
    if (event.type === 'data') plaintext += event.data.length;
  }
  return { seconds: (performance.now() - started) / 1000, plaintext };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-bench-archive-'));
try {
  console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, archive in ${dir}`);
  const pieces = copyPieces();
  const kdfStarted = performance.now();
  await deriveArchiveKey(PASSPHRASE, Buffer.alloc(16), DEFAULT_KDF);
  console.log(`argon2id key derivation (m=64 MiB, t=3, p=4): ${(performance.now() - kdfStarted).toFixed(0)} ms, once per file, not in the figures below`);
  const baselineRss = process.resourceUsage().maxRSS / 1024;
  console.log('');
  console.log(`${'compression'.padEnd(12)} ${'plaintext MB'.padStart(12)} ${'write MB/s'.padStart(11)} ${'read MB/s'.padStart(10)} ${'file MB'.padStart(9)} ${'size ratio'.padStart(11)} ${'peak RSS MB'.padStart(12)}`);
  for (const compression of ['none', 'deflate-raw'] as const) {
    const file = path.join(dir, `bench-${compression}.gh`);
    const written = await writeArchiveFile(file, compression, pieces);
    const read = await readArchiveFile(file);
    if (read.plaintext !== written.plaintext) throw new Error(`read ${read.plaintext} bytes, wrote ${written.plaintext}`);
    const fileBytes = fs.statSync(file).size;
    fs.rmSync(file);
    const mb = (bytes: number) => bytes / 1e6;
    console.log(
      `${compression.padEnd(12)} ${mb(written.plaintext).toFixed(0).padStart(12)} ${(mb(written.plaintext) / written.seconds).toFixed(0).padStart(11)} ${(mb(read.plaintext) / read.seconds).toFixed(0).padStart(10)} ${mb(fileBytes).toFixed(0).padStart(9)} ${(fileBytes / written.plaintext).toFixed(3).padStart(11)} ${(process.resourceUsage().maxRSS / 1024).toFixed(0).padStart(12)}`,
    );
  }
  console.log('');
  console.log(`peak RSS before any archive: ${baselineRss.toFixed(0)} MB (node, the ${(POOL_BYTES / 1024 / 1024).toFixed(0)} MiB pool of generated text, argon2id's 64 MiB).`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
