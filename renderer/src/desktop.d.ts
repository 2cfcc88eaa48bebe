// window.gatehouse: the desktop shell's API (main/preload), there only when the pages run inside the desktop app.
import type { GatehouseDesktopApi } from '../../main/preload/desktop-api.ts';

declare global {
  interface Window {
    gatehouse?: GatehouseDesktopApi;
  }
}

export {};
