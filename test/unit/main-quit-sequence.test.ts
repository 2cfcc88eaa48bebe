// Quitting the desktop app: the server (and with it PostgreSQL) stops first, the app exits after; closing the window is not quitting.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { DesktopContext } from '../../main/src/desktop-context.ts';
import type { AppPort, PreventableEvent } from '../../main/src/electron-ports.ts';
import { quitSequence } from '../../main/src/modules/quit-sequence.ts';
import { ServerSupervisor, type ServerProcess } from '../../main/src/server-supervisor.ts';

/** Electron's quit: before-quit first; the app exits only when no listener prevented it. */
class FakeApp extends EventEmitter implements AppPort {
  readonly timeline: string[] = [];
  exited = false;
  requestSingleInstanceLock = () => true;
  whenReady = () => Promise.resolve();
  getVersion = () => '0.1.0';
  quit(): void {
    let prevented = false;
    const event: PreventableEvent = { preventDefault: () => (prevented = true) };
    this.emit('before-quit', event);
    if (prevented) return;
    this.exited = true;
    this.timeline.push('app exited');
  }
}

class FakeServer extends EventEmitter implements ServerProcess {
  readonly stdout = new EventEmitter();
  readonly stderr = new EventEmitter();
  stopRequests = 0;
  constructor(private readonly timeline: string[]) {
    super();
  }
  onExit(listener: (code: number) => void): void {
    this.on('exit', listener);
  }
  requestStop(): void {
    this.stopRequests++;
    this.timeline.push('server asked to stop');
  }
  forceStop(): void {}
  /** The server exits after its own shutdown, PostgreSQL included. */
  exitAfterShutdown(): void {
    this.timeline.push('server exited');
    this.emit('exit', 0);
  }
}

function setUp() {
  const app = new FakeApp();
  const servers: FakeServer[] = [];
  const supervisor = new ServerSupervisor({
    launch: () => {
      const server = new FakeServer(app.timeline);
      servers.push(server);
      return server;
    },
    logFile: '/data/logs/gatehouse.log',
  });
  const signals = new Map<string, () => void>();
  const ctx = {
    app,
    supervisor,
    state: { quitting: false, masterKey: null },
    onSignal: (signal: string, listener: () => void) => signals.set(signal, listener),
    log: () => undefined,
  } as unknown as DesktopContext;
  quitSequence.enable(ctx);
  supervisor.start();
  servers[0]!.stdout.emit('data', '{"event":"ready","url":"http://127.0.0.1:9080"}\n');
  return { app, server: servers[0]!, ctx, signals };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('the quit sequence', () => {
  it('stops the server, and lets the app exit only after the server has exited', async () => {
    const { app, server, ctx } = setUp();
    app.quit();
    expect(ctx.state.quitting).toBe(true);
    expect(server.stopRequests).toBe(1);
    await settle();
    expect(app.exited).toBe(false);

    server.exitAfterShutdown();
    await settle();
    expect(app.exited).toBe(true);
    expect(app.timeline).toEqual(['server asked to stop', 'server exited', 'app exited']);
  });

  it('asks the server to stop once when Quit is chosen again while it stops', async () => {
    const { app, server } = setUp();
    app.quit();
    app.quit();
    expect(server.stopRequests).toBe(1);
    expect(app.exited).toBe(false);
    server.exitAfterShutdown();
    await settle();
    expect(app.exited).toBe(true);
  });

  it('quits the same way on SIGTERM (logout, shutdown)', async () => {
    const { app, server, signals } = setUp();
    signals.get('SIGTERM')!();
    expect(server.stopRequests).toBe(1);
    server.exitAfterShutdown();
    await settle();
    expect(app.exited).toBe(true);
  });

  it('keeps the app and the server running when the last window closes', () => {
    const { app, server } = setUp();
    expect(app.listenerCount('window-all-closed')).toBe(1);
    app.emit('window-all-closed');
    expect(app.exited).toBe(false);
    expect(server.stopRequests).toBe(0);
  });
});
