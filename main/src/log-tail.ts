// The last lines the server wrote to stderr, kept for the message shown when it keeps crashing.
// The server logs JSON lines (pino); a person reads the level and the message, not the JSON.

const PINO_LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const MAX_LINE_CHARS = 400;

export class LogTail {
  private readonly kept: string[] = [];

  constructor(private readonly maxLines = 20) {}

  push(line: string): void {
    this.kept.push(readableLogLine(line));
    if (this.kept.length > this.maxLines) this.kept.shift();
  }

  lines(count = this.maxLines): string[] {
    return this.kept.slice(-count);
  }
}

/** `error PostgreSQL exited unexpectedly: <err.message>` for a pino line; any other line as it is. Long lines are cut. */
export function readableLogLine(line: string): string {
  let readable = line;
  try {
    const entry = JSON.parse(line) as { level?: unknown; msg?: unknown; err?: { message?: unknown } };
    if (typeof entry.msg === 'string') {
      const level = typeof entry.level === 'number' ? (PINO_LEVELS[entry.level] ?? String(entry.level)) : '';
      const cause = typeof entry.err?.message === 'string' ? `: ${entry.err.message}` : '';
      readable = `${level} ${entry.msg}${cause}`.trim();
    }
  } catch {
    // Not JSON: a plain message (the CLI's own "gatehouse serve: …" line, or a Node crash trace).
  }
  return readable.length > MAX_LINE_CHARS ? `${readable.slice(0, MAX_LINE_CHARS)}…` : readable;
}
