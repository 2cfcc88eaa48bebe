// What the preload puts on window.gatehouse: one function per IPC channel, nothing else.
// No electron import, so the renderer can take its type from here (renderer/src/desktop.d.ts).
import type { IpcInvoke } from '../src/ipc-contract.ts';

export function createDesktopApi(invoke: IpcInvoke) {
  return {
    info: () => invoke('desktop:info'),
    serverStatus: () => invoke('server:status'),
    openDataFolder: () => invoke('data-folder:open'),
  };
}

/** The type of window.gatehouse inside the desktop app. */
export type GatehouseDesktopApi = ReturnType<typeof createDesktopApi>;
