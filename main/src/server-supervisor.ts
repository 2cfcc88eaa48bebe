// Runs the server (the same entry as `gatehouse serve`): starts it with a fresh bootstrap token, waits for its ready line,
// restarts it with backoff when it crashes, gives up with the log tail when it keeps crashing, and stops it gracefully.
// The process itself comes from `launch` (a utility process in the app, a fake in tests), so this runs without Electron.
import { BOOTSTRAP_TOKEN_ENV, createBootstrapToken } from './bootstrap-contract.ts';
import { onLines, type ChunkSource } from './line-reader.ts';
import { LogTail } from './log-tail.ts';
import { parseServerLine, type ReadyMessage } from './ready-line.ts';
import { RestartBackoff, type RestartPolicy } from './restart-backoff.ts';
import type { ServerStatus } from './server-status.ts';

export interface ServerProcess {
  readonly stdout: ChunkSource | null;
  readonly stderr: ChunkSource | null;
  onExit(listener: (code: number) => void): void;
  /** A graceful stop: SIGTERM, or the shutdown message where there are no signals. */
  requestStop(): void;
  /** Ends it at once, when a graceful stop took too long. */
  forceStop(): void;
}

export interface ServerSupervisorOptions {
  launch(env: Record<string, string>): ServerProcess;
  /** Where the server's full log is, for the messages. */
  logFile: string;
  restartPolicy?: RestartPolicy;
  /** The server stops within its own shutdown timeout (10 s by default); past this the shell ends it. */
  stopTimeoutMs?: number;
}

/** A server that is ready, and the one-time token it was started with. */
export interface ServerSession {
  ready: ReadyMessage;
  bootstrapToken: string;
}

const LOG_LINES_SHOWN = 10;

export class ServerSupervisor {
  private status: ServerStatus = { state: 'stopped' };
  private readonly listeners = new Set<(status: ServerStatus) => void>();
  private readonly backoff: RestartBackoff;
  private readonly logTail = new LogTail();
  private environment: () => Record<string, string> = () => ({});
  private env: Record<string, string> = {};
  private child: ServerProcess | null = null;
  private session: ServerSession | null = null;
  private readyAt = 0;
  private startupError: string | null = null;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private stopping: { done: Promise<void>; resolve: () => void; forceTimer: ReturnType<typeof setTimeout> } | null = null;

  constructor(private readonly options: ServerSupervisorOptions) {
    this.backoff = new RestartBackoff(options.restartPolicy);
  }

  current(): ServerStatus {
    return this.status;
  }

  /** The running server's URLs and token; null while it is not ready. */
  currentSession(): ServerSession | null {
    return this.session;
  }

  onStatus(listener: (status: ServerStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Starts the server, with the variables `environment` gives (asked again at each start, kept for the restarts after a crash;
   * when it throws, the start fails with its message). Does nothing while a server runs or a restart is due.
   */
  start(environment: () => Record<string, string> = this.environment): void {
    this.environment = environment;
    if (this.child || this.restartTimer || this.stopping) return;
    try {
      this.env = environment();
    } catch (error) {
      this.fail(errorMessage(error));
      return;
    }
    this.backoff.reset();
    this.spawn(1);
  }

  /** Stops the server gracefully and resolves once it has exited (PostgreSQL included); cancels a pending restart. */
  stop(): Promise<void> {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    if (this.stopping) return this.stopping.done;
    const child = this.child;
    if (!child) {
      if (this.status.state !== 'failed') this.setStatus({ state: 'stopped' });
      return Promise.resolve();
    }
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const forceTimer = setTimeout(() => child.forceStop(), this.options.stopTimeoutMs ?? 20_000);
    this.stopping = { done, resolve, forceTimer };
    this.setStatus({ state: 'stopping' });
    child.requestStop();
    return done;
  }

  private spawn(attempt: number): void {
    const token = createBootstrapToken();
    this.session = null;
    this.startupError = null;
    this.setStatus({ state: 'starting', attempt });
    let child: ServerProcess;
    try {
      child = this.options.launch({ ...this.env, [BOOTSTRAP_TOKEN_ENV]: token });
    } catch (error) {
      this.fail(`Gatehouse could not start its server: ${errorMessage(error)}`);
      return;
    }
    this.child = child;
    if (child.stdout) onLines(child.stdout, (line) => this.onStdout(child, line, token));
    if (child.stderr) onLines(child.stderr, (line) => this.logTail.push(line));
    child.onExit((code) => this.onExit(child, code));
  }

  private onStdout(child: ServerProcess, line: string, token: string): void {
    if (child !== this.child) return;
    const message = parseServerLine(line);
    if (message?.event === 'ready') {
      this.session = { ready: message.ready, bootstrapToken: token };
      this.readyAt = Date.now();
      this.setStatus({ state: 'running', url: message.ready.url, setupPending: message.ready.setupUrl !== undefined });
    } else if (message?.event === 'error') {
      // The server says why it cannot start (a port in use, a bad config): starting it again would fail the same way.
      this.startupError = message.message;
    } else {
      this.logTail.push(line);
    }
  }

  private onExit(child: ServerProcess, code: number): void {
    if (child !== this.child) return;
    this.child = null;
    const wasReady = this.session !== null;
    this.session = null;
    if (this.stopping) {
      clearTimeout(this.stopping.forceTimer);
      const { resolve } = this.stopping;
      this.stopping = null;
      this.setStatus({ state: 'stopped' });
      resolve();
      return;
    }
    if (this.startupError !== null) {
      this.fail(this.startupError);
      return;
    }
    const delay = this.backoff.nextDelayMs(wasReady ? Date.now() - this.readyAt : 0);
    if (delay === null) {
      this.fail(`Gatehouse's server stopped unexpectedly ${this.backoff.maxAttempts + 1} times in a row, so it is not started again. Its last log lines are below; the whole log is in ${this.options.logFile}.`);
      return;
    }
    const reason = wasReady ? `the server exited with code ${code}` : `the server exited with code ${code} before it was ready`;
    this.setStatus({ state: 'restarting', attempt: this.backoff.attempt, maxAttempts: this.backoff.maxAttempts, inMs: delay, reason });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.spawn(this.backoff.attempt + 1);
    }, delay);
  }

  private fail(message: string): void {
    this.setStatus({ state: 'failed', message, logTail: this.logTail.lines(LOG_LINES_SHOWN) });
  }

  private setStatus(status: ServerStatus): void {
    this.status = status;
    for (const listener of this.listeners) listener(status);
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
