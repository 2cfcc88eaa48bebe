// The preload (an edge file): runs sandboxed beside each page of the window and gives it window.gatehouse.
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcInvoke } from '../src/ipc-contract.ts';
import { createDesktopApi } from './desktop-api.ts';

const invoke: IpcInvoke = (channel, ...args) => ipcRenderer.invoke(channel, ...args);

// Electron security checklist #20: do not expose Electron APIs to untrusted web content;
// the page gets three typed functions, never ipcRenderer.
contextBridge.exposeInMainWorld('gatehouse', createDesktopApi(invoke));
