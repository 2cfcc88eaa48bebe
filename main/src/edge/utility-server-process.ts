// The server as an Electron utility process (an edge file): Electron's own Node runs dist/gatehouse.mjs,
// which works in a packaged app where the RunAsNode fuse is off and there is no other Node.
import fs from 'node:fs';
import { utilityProcess } from 'electron';
import { serverArguments } from '../server-arguments.ts';
import type { ServerProcess } from '../server-supervisor.ts';
import { SHUTDOWN_MESSAGE } from '../shutdown-message.ts';

export function launchUtilityServer(entry: string, dataDir: string, env: Record<string, string>): ServerProcess {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const child = utilityProcess.fork(entry, serverArguments(dataDir), {
    env: { ...process.env, ...env },
    stdio: 'pipe',
    // A real folder: a working directory inside app.asar does not exist for the OS.
    cwd: dataDir,
    serviceName: 'Gatehouse server',
  });
  return {
    stdout: child.stdout,
    stderr: child.stderr,
    onExit: (listener) => void child.once('exit', listener),
    // kill() is SIGTERM on Linux and macOS; on Windows it would end the server at once, so there the server is asked.
    requestStop: () => (process.platform === 'win32' ? child.postMessage(SHUTDOWN_MESSAGE) : void child.kill()),
    forceStop: () => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    },
  };
}
