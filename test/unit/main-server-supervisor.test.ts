// The desktop shell's server supervisor: the ready handshake, the bootstrap token, crash restarts with backoff, stopping.
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BOOTSTRAP_TOKEN_ENV } from '../../main/src/bootstrap-contract.ts';
import type { ServerStatus } from '../../main/src/server-status.ts';
import { ServerSupervisor, type ServerProcess, type ServerSupervisorOptions } from '../../main/src/server-supervisor.ts';

class FakeServer implements ServerProcess {
  readonly stdout = new EventEmitter();
  readonly stderr = new EventEmitter();
  stopRequests = 0;
  forcedStops = 0;
  private readonly exitListeners: ((code: number) => void)[] = [];

  onExit(listener: (code: number) => void): void {
    this.exitListeners.push(listener);
  }
  requestStop(): void {
    this.stopRequests++;
  }
  forceStop(): void {
    this.forcedStops++;
  }
  print(line: string): void {
    this.stdout.emit('data', Buffer.from(`${line}\n`));
  }
  ready(extra: Record<string, unknown> = {}): void {
    this.print(JSON.stringify({ event: 'ready', url: 'http://127.0.0.1:9080', pid: 4242, instanceId: 'box-abc123', dataDir: '/data', database: 'embedded', postgresVersion: '18.4', startupMs: 900, ...extra }));
  }
  exit(code: number): void {
    for (const listener of this.exitListeners) listener(code);
  }
}

function harness(options: Partial<ServerSupervisorOptions> = {}) {
  const launched: { env: Record<string, string>; server: FakeServer }[] = [];
  const supervisor = new ServerSupervisor({
    launch(env) {
      const server = new FakeServer();
      launched.push({ env, server });
      return server;
    },
    logFile: '/data/logs/gatehouse.log',
    stopTimeoutMs: 20_000,
    ...options,
  });
  const statuses: ServerStatus[] = [];
  supervisor.onStatus((status) => statuses.push(status));
  const last = () => launched.at(-1)!.server;
  const lastEnv = () => launched.at(-1)!.env;
  return { supervisor, launched, statuses, last, lastEnv };
}

/** Lets promise callbacks run, without moving the fake clock. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ServerSupervisor: the ready handshake', () => {
  it('starts the server with its environment and a fresh bootstrap token, and is running only after the ready line', () => {
    const { supervisor, launched, last, lastEnv } = harness();
    supervisor.start(() => ({ GATEHOUSE_SECRETS_MASTER_KEY: 'k' }));
    expect(launched).toHaveLength(1);
    expect(lastEnv().GATEHOUSE_SECRETS_MASTER_KEY).toBe('k');
    const token = lastEnv()[BOOTSTRAP_TOKEN_ENV]!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(supervisor.current()).toEqual({ state: 'starting', attempt: 1 });
    expect(supervisor.currentSession()).toBeNull();

    last().ready();
    expect(supervisor.current()).toEqual({ state: 'running', url: 'http://127.0.0.1:9080', setupPending: false });
    expect(supervisor.currentSession()).toMatchObject({ bootstrapToken: token, ready: { url: 'http://127.0.0.1:9080' } });
  });

  it('reads a ready line that arrives in pieces, and ignores output that is not the handshake', () => {
    const { supervisor, last } = harness();
    supervisor.start();
    last().print('Debugger listening on ws://…');
    last().print(JSON.stringify({ event: 'progress' }));
    last().print(JSON.stringify({ event: 'ready', url: 'javascript:alert(1)' }));
    expect(supervisor.current().state).toBe('starting');
    last().stdout.emit('data', '{"event":"ready","url":"http://127.0.0.1:9080",');
    expect(supervisor.current().state).toBe('starting');
    last().stdout.emit('data', '"setupUrl":"http://127.0.0.1:9080/setup?token=s"}\n');
    expect(supervisor.current()).toEqual({ state: 'running', url: 'http://127.0.0.1:9080', setupPending: true });
  });

  it('makes a new bootstrap token for every start of the server', async () => {
    const { supervisor, launched, last } = harness();
    supervisor.start();
    last().ready();
    last().exit(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(launched).toHaveLength(2);
    expect(launched[1]!.env[BOOTSTRAP_TOKEN_ENV]).not.toBe(launched[0]!.env[BOOTSTRAP_TOKEN_ENV]);
  });
});

describe('ServerSupervisor: crashes', () => {
  it('restarts a crashed server after 1, 5 and 15 seconds, then gives up with the end of its log', async () => {
    const { supervisor, launched, last } = harness();
    supervisor.start();
    last().ready();
    last().stderr.emit('data', JSON.stringify({ level: 50, time: 1, msg: 'PostgreSQL exited unexpectedly', err: { message: 'signal 9' } }) + '\n');
    last().exit(1);
    expect(supervisor.current()).toMatchObject({ state: 'restarting', attempt: 1, maxAttempts: 3, inMs: 1_000 });

    await vi.advanceTimersByTimeAsync(999);
    expect(launched).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(launched).toHaveLength(2);
    expect(supervisor.current()).toEqual({ state: 'starting', attempt: 2 });

    last().exit(1);
    expect(supervisor.current()).toMatchObject({ state: 'restarting', attempt: 2, inMs: 5_000, reason: 'the server exited with code 1 before it was ready' });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(launched).toHaveLength(3);

    last().exit(1);
    expect(supervisor.current()).toMatchObject({ state: 'restarting', attempt: 3, inMs: 15_000 });
    await vi.advanceTimersByTimeAsync(15_000);
    expect(launched).toHaveLength(4);

    last().stderr.emit('data', 'gatehouse serve: unexpected error: out of memory\n');
    last().exit(1);
    const status = supervisor.current();
    expect(status.state).toBe('failed');
    if (status.state !== 'failed') return;
    expect(status.message).toContain('4 times in a row');
    expect(status.message).toContain('/data/logs/gatehouse.log');
    expect(status.logTail).toEqual(['error PostgreSQL exited unexpectedly: signal 9', 'gatehouse serve: unexpected error: out of memory']);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(launched).toHaveLength(4);
  });

  it('counts afresh after a server that ran for a minute before it crashed', async () => {
    const { supervisor, last } = harness();
    supervisor.start();
    last().exit(1);
    await vi.advanceTimersByTimeAsync(1_000);
    last().exit(1);
    expect(supervisor.current()).toMatchObject({ state: 'restarting', attempt: 2, inMs: 5_000 });
    await vi.advanceTimersByTimeAsync(5_000);
    last().ready();
    await vi.advanceTimersByTimeAsync(60_000);
    last().exit(1);
    expect(supervisor.current()).toMatchObject({ state: 'restarting', attempt: 1, inMs: 1_000, reason: 'the server exited with code 1' });
  });

  it('does not restart a server that said why it cannot start, and shows its message', async () => {
    const { supervisor, launched, last } = harness();
    supervisor.start();
    const message = 'Port 9080 on 127.0.0.1 is already in use by another program. Stop that program, or start Gatehouse with --port <another port>.';
    last().print(JSON.stringify({ event: 'error', code: 'port_in_use', message }));
    last().exit(1);
    expect(supervisor.current()).toMatchObject({ state: 'failed', message });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(launched).toHaveLength(1);
  });

  it('fails with the reason, and launches nothing, when the environment cannot be made', () => {
    const { supervisor, launched } = harness();
    supervisor.start(() => {
      throw new Error('the keyring is locked');
    });
    expect(supervisor.current()).toMatchObject({ state: 'failed', message: 'the keyring is locked' });
    expect(launched).toHaveLength(0);
  });

  it('starts again on request after giving up, asking for the environment again', () => {
    const { supervisor, launched } = harness();
    let calls = 0;
    supervisor.start(() => {
      calls++;
      if (calls === 1) throw new Error('the keyring is locked');
      return { GATEHOUSE_SECRETS_MASTER_KEY: 'k' };
    });
    supervisor.start();
    expect(calls).toBe(2);
    expect(launched).toHaveLength(1);
    expect(launched[0]!.env.GATEHOUSE_SECRETS_MASTER_KEY).toBe('k');
  });
});

describe('ServerSupervisor: stopping', () => {
  it('asks the server to stop and resolves only once it has exited, without restarting it', async () => {
    const { supervisor, launched, last, statuses } = harness();
    supervisor.start();
    last().ready();
    let stopped = false;
    void supervisor.stop().then(() => (stopped = true));
    expect(last().stopRequests).toBe(1);
    expect(supervisor.current()).toEqual({ state: 'stopping' });
    await settle();
    expect(stopped).toBe(false);

    last().exit(0);
    await settle();
    expect(stopped).toBe(true);
    expect(statuses.at(-1)).toEqual({ state: 'stopped' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(launched).toHaveLength(1);
    expect(last().forcedStops).toBe(0);
  });

  it('ends a server that has not stopped within the timeout', async () => {
    const { supervisor, last } = harness({ stopTimeoutMs: 20_000 });
    supervisor.start();
    last().ready();
    const stopping = supervisor.stop();
    await vi.advanceTimersByTimeAsync(19_999);
    expect(last().forcedStops).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(last().forcedStops).toBe(1);
    last().exit(137);
    await stopping;
    expect(supervisor.current()).toEqual({ state: 'stopped' });
  });

  it('cancels a restart that was due', async () => {
    const { supervisor, launched, last } = harness();
    supervisor.start();
    last().exit(1);
    expect(supervisor.current().state).toBe('restarting');
    await supervisor.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(launched).toHaveLength(1);
    expect(supervisor.current()).toEqual({ state: 'stopped' });
  });
});
