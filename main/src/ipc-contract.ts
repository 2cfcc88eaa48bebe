// The one IPC contract between the renderer (through the preload) and the main process:
// each 'domain:verb' channel with its arguments and result. Every reply is { ok: true, result } or { ok: false, error }.
// Types only, with no Node types: the preload and the renderer's compile world read this file too.
import type { ServerStatus } from './server-status.ts';

export interface DesktopInfo {
  version: string;
  dataDir: string;
  /** Where the master key for secrets at rest is kept, and the warning shown when it is not the OS keychain; null before the first start. */
  masterKey: { keptIn: 'os-keychain' | 'key-file'; warning: string | null } | null;
}

export interface IpcContract {
  'desktop:info': { args: []; result: DesktopInfo };
  'server:status': { args: []; result: ServerStatus };
  'data-folder:open': { args: []; result: null };
}

export type IpcChannel = keyof IpcContract;
export type IpcArgs<C extends IpcChannel> = IpcContract[C]['args'];
export type IpcResult<C extends IpcChannel> = IpcContract[C]['result'];
export type IpcReply<C extends IpcChannel> = { ok: true; result: IpcResult<C> } | { ok: false; error: string };

/** What the preload calls: ipcRenderer.invoke, typed by the contract. */
export type IpcInvoke = <C extends IpcChannel>(channel: C, ...args: IpcArgs<C>) => Promise<IpcReply<C>>;

/** The main process's side: one function per channel. */
export type IpcHandlers = { [C in IpcChannel]: (...args: IpcArgs<C>) => IpcResult<C> | Promise<IpcResult<C>> };
