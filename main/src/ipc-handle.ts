// Registers the contract's handlers behind one check of who is asking, and one envelope for the answer.
import type { IpcMainPort, SenderFrame } from './electron-ports.ts';
import type { IpcArgs, IpcChannel, IpcHandlers, IpcReply } from './ipc-contract.ts';
import { isSameOrigin } from './same-origin.ts';

/** Only the app's own page may call: the top frame (not an iframe inside it), on the server's origin. */
export function isTrustedSender(frame: SenderFrame | null, appOrigin: string | null): boolean {
  return frame !== null && frame.parent === null && isSameOrigin(frame.url, appOrigin);
}

export function handle<C extends IpcChannel>(ipcMain: IpcMainPort, channel: C, handler: IpcHandlers[C], appOrigin: () => string | null): void {
  ipcMain.handle(channel, async (event, ...args): Promise<IpcReply<C>> => {
    // Electron security checklist #17: validate the sender of all IPC messages.
    if (!isTrustedSender(event.senderFrame, appOrigin())) return { ok: false, error: 'untrusted_sender' };
    try {
      const call = handler as (...callArgs: IpcArgs<C>) => ReturnType<IpcHandlers[C]>;
      return { ok: true, result: await call(...(args as IpcArgs<C>)) } as IpcReply<C>;
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  });
}

export function handleAll(ipcMain: IpcMainPort, handlers: IpcHandlers, appOrigin: () => string | null): void {
  for (const channel of Object.keys(handlers) as IpcChannel[]) handle(ipcMain, channel, handlers[channel], appOrigin);
}
