// The IPC contract's handlers: only the app's own top frame may call; every answer is { ok, result } or { ok: false, error }.
import { describe, expect, it } from 'vitest';
import type { IpcMainPort, SenderFrame } from '../../main/src/electron-ports.ts';
import type { IpcHandlers, IpcInvoke } from '../../main/src/ipc-contract.ts';
import { handleAll, isTrustedSender } from '../../main/src/ipc-handle.ts';
import { createDesktopApi } from '../../main/preload/desktop-api.ts';

const APP = 'http://127.0.0.1:9080';
type Listener = Parameters<IpcMainPort['handle']>[1];

function registered(handlers: IpcHandlers, appOrigin: string | null = APP) {
  const listeners = new Map<string, Listener>();
  handleAll({ handle: (channel, listener) => listeners.set(channel, listener) }, handlers, () => appOrigin);
  const call = (channel: string, senderFrame: SenderFrame | null, ...args: unknown[]) => listeners.get(channel)!({ senderFrame }, ...args);
  return { listeners, call };
}

const topFrame = (url: string): SenderFrame => ({ url, parent: null });
const handlers: IpcHandlers = {
  'desktop:info': () => ({ version: '0.1.0', dataDir: '/data', masterKey: null }),
  'server:status': () => ({ state: 'running', url: APP, setupPending: false }),
  'data-folder:open': () => {
    throw new Error('no file manager');
  },
};

describe('IPC sender checks', () => {
  it("trust only the app's own top frame", () => {
    expect(isTrustedSender(topFrame(`${APP}/admin`), APP)).toBe(true);
    expect(isTrustedSender({ url: `${APP}/admin`, parent: topFrame(`${APP}/admin`) }, APP)).toBe(false);
    expect(isTrustedSender(topFrame('https://evil.example/'), APP)).toBe(false);
    expect(isTrustedSender(topFrame('http://127.0.0.1:9080.evil.example/'), APP)).toBe(false);
    expect(isTrustedSender(null, APP)).toBe(false);
    expect(isTrustedSender(topFrame(`${APP}/admin`), null)).toBe(false);
  });

  it('registers every channel of the contract', () => {
    expect([...registered(handlers).listeners.keys()].sort()).toEqual(['data-folder:open', 'desktop:info', 'server:status']);
  });

  it('answers the app with { ok: true, result }', async () => {
    const { call } = registered(handlers);
    expect(await call('server:status', topFrame(`${APP}/admin`))).toEqual({ ok: true, result: { state: 'running', url: APP, setupPending: false } });
  });

  it('refuses another origin, a subframe and a destroyed frame without running the handler', async () => {
    let ran = 0;
    const { call } = registered({ ...handlers, 'desktop:info': () => (ran++, { version: '0.1.0', dataDir: '/data', masterKey: null }) });
    const refused = { ok: false, error: 'untrusted_sender' };
    expect(await call('desktop:info', topFrame('https://evil.example/'))).toEqual(refused);
    expect(await call('desktop:info', { url: `${APP}/`, parent: topFrame('https://evil.example/') })).toEqual(refused);
    expect(await call('desktop:info', null)).toEqual(refused);
    expect(ran).toBe(0);
  });

  it('turns a failing handler into { ok: false, error }', async () => {
    const { call } = registered(handlers);
    expect(await call('data-folder:open', topFrame(`${APP}/admin`))).toEqual({ ok: false, error: 'no file manager' });
  });
});

describe('the preload API', () => {
  it('is one function per channel, each calling its channel', async () => {
    const calls: string[] = [];
    const invoke: IpcInvoke = async (channel, ..._args) => {
      calls.push(channel);
      return { ok: false, error: 'test' };
    };
    const api = createDesktopApi(invoke);
    await api.info();
    await api.serverStatus();
    await api.openDataFolder();
    expect(Object.keys(api).sort()).toEqual(['info', 'openDataFolder', 'serverStatus']);
    expect(calls).toEqual(['desktop:info', 'server:status', 'data-folder:open']);
  });
});
