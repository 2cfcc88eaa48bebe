// The desktop app is a list of small modules, each enabled in turn with the shared context
// (the pattern of vite-electron-builder's initApp().init(...)). A module that returns 'stop' ends the list:
// a second instance quits before it touches anything.
import type { DesktopContext } from './desktop-context.ts';

export interface DesktopModule {
  name: string;
  enable(ctx: DesktopContext): void | 'stop' | Promise<void | 'stop'>;
}

export async function enableModules(ctx: DesktopContext, modules: readonly DesktopModule[]): Promise<void> {
  for (const module of modules) {
    if ((await module.enable(ctx)) === 'stop') return;
  }
}
