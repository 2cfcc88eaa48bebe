// Child processes of the OIDC benchmarks: gatehouse serve, the reference server, CLI verbs.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const REPO = path.resolve(import.meta.dirname, '..', '..');

/** Starts a child and resolves with the first stdout line that is JSON and passes `accept`. */
export function startChild(args: string[], accept: (line: Record<string, unknown>) => boolean): Promise<{ child: ChildProcess; line: Record<string, unknown> }> {
  const child = spawn(process.execPath, args, { cwd: REPO, env: { ...process.env, GATEHOUSE_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (data: Buffer) => {
      out += data.toString();
      for (const text of out.split('\n')) {
        if (!text.startsWith('{')) continue;
        const line = JSON.parse(text) as Record<string, unknown>;
        if (accept(line)) resolve({ child, line });
      }
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${out}`)));
  });
}

export async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
