// Structured JSON logs to stderr and to a rotated file in the data dir.
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { RotatingFile } from './rotating-file.ts';

export type { Logger };

export interface LoggerOptions {
  level: string;
  dataDir?: string;
  fileMaxBytes: number;
  fileKeep: number;
}

export function createLogger(options: LoggerOptions): { logger: Logger; close(): void } {
  const streams: pino.StreamEntry[] = [{ level: options.level as pino.Level, stream: process.stderr }];
  let file: RotatingFile | undefined;
  if (options.dataDir) {
    file = new RotatingFile(path.join(options.dataDir, 'logs', 'gatehouse.log'), options.fileMaxBytes, options.fileKeep);
    streams.push({ level: options.level as pino.Level, stream: file });
  }
  const logger = pino(
    { level: options.level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.multistream(streams),
  );
  return { logger, close: () => file?.close() };
}
