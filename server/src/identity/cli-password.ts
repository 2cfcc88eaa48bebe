// Where the command line gets a password from: the first line of stdin (--password-stdin), or a prompt that does
// not echo when stdin is a terminal. Never from an argument: those end up in shell history and `ps`.
import { ApplianceError, UsageError } from '../appliance/errors.ts';

/** The first line of stdin, without its line ending; reading stops there. */
export async function passwordFromStdin(): Promise<string> {
  const stdin = process.stdin;
  stdin.setEncoding('utf8');
  let buffered = '';
  for await (const chunk of stdin as AsyncIterable<string>) {
    buffered += chunk;
    if (buffered.includes('\n')) break;
  }
  stdin.pause();
  const line = buffered.split('\n')[0]!.replace(/\r$/, '');
  if (line === '') throw new UsageError('no_password', '--password-stdin found no password: give it as the first line of stdin, e.g. printf "%s\\n" "$PASSWORD" | gatehouse …');
  return line;
}

export function stdinIsTerminal(): boolean {
  return process.stdin.isTTY === true;
}

/** Asks twice on the terminal, without echo; an empty answer means none (when `optional`). */
export async function passwordFromPrompt(what: string, options: { optional: boolean }): Promise<string | null> {
  const first = await promptHidden(`${what}${options.optional ? ' (leave empty for none)' : ''}: `);
  if (first === '') {
    if (options.optional) return null;
    throw new UsageError('no_password', 'No password given.');
  }
  const again = await promptHidden('The same again: ');
  if (again !== first) throw new UsageError('passwords_differ', 'The two passwords differ; nothing was changed.');
  return first;
}

/** Reads one line with the terminal in raw mode, so nothing typed is shown. */
function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  process.stderr.write(prompt);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const character of chunk) {
        if (character === '\r' || character === '\n' || character === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (character === '\u0003') {
          finish();
          reject(new ApplianceError('cancelled', 'Cancelled; nothing was changed.', { exitCode: 130 }));
          return;
        }
        if (character === '\u007f' || character === '\b') value = [...value].slice(0, -1).join('');
        else value += character;
      }
    };
    stdin.on('data', onData);
  });
}
