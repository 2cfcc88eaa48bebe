// The identity verbs (user …, group …) end to end through real `gatehouse` processes, on a data dir whose server
// is stopped and then running. Run `node server/build.mjs` first, or the processes load the sources through tsx.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectToDataDir, postgresProcessesOf, removeDataDir, REPO, startServe, tempDataDir, type ExitInfo, type ServeProcess } from '../helpers/serve.ts';
import { createIdentityService, type IdentityService } from '../../server/src/identity/service.ts';
import { LOCK_FILE } from '../../server/src/appliance/data-dir.ts';

const BIN = path.join(REPO, 'bin', 'gatehouse.mjs');

/** Runs `gatehouse <args>` with `input` on its stdin (when given; else stdin is /dev/null, not a terminal). */
function gatehouse(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ExitInfo> {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('GATEHOUSE_') || key === 'DATABASE_URL') delete env[key];
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO,
    env: { ...env, GATEHOUSE_LOG_LEVEL: 'warn', ...options.env },
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (options.input !== undefined) child.stdin!.end(options.input);
  return collect(child, started);
}

function collect(child: ReturnType<typeof spawn>, started: number): Promise<ExitInfo> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (data: Buffer) => (stdout += data.toString()));
  child.stderr!.on('data', (data: Buffer) => (stderr += data.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ms: Date.now() - started, stdout, stderr });
    });
  });
}

/**
 * Runs `gatehouse <args>` on a terminal (a pseudo-terminal from util-linux `script`), typing each answer once its
 * prompt has appeared. Returns everything the terminal showed.
 */
function gatehouseOnTerminal(args: string[], answers: Array<[prompt: string, answer: string]>): Promise<ExitInfo> {
  const command = [process.execPath, BIN, ...args].map((part) => `'${part.replaceAll("'", "'\\''")}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: REPO, env: { ...process.env, GATEHOUSE_LOG_LEVEL: 'warn' }, stdio: ['pipe', 'pipe', 'pipe'] });
  const result = collect(child, Date.now());
  let shown = '';
  let next = 0;
  child.stdout!.on('data', (data: Buffer) => {
    shown += data.toString();
    // Each prompt is looked for after the previous one, so "Password:" twice waits for the second.
    while (next < answers.length && shown.includes(answers[next]![0])) {
      shown = shown.slice(shown.indexOf(answers[next]![0]) + answers[next]![0].length);
      child.stdin!.write(`${answers[next]![1]}\r`);
      next++;
    }
  });
  return result;
}


let dataDir: string;
let server: ServeProcess | undefined;
beforeAll(async () => {
  // A data dir with a Gatehouse in it: started once, and stopped.
  dataDir = tempDataDir('gh-cli-');
  await (await startServe(dataDir)).stop();
});
afterAll(async () => {
  await server?.stop();
  removeDataDir(dataDir);
});

/** The identity service on the running server's database, to check what the verbs did. */
async function withDatabase<T>(work: (identity: IdentityService, client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connectToDataDir(dataDir);
  try {
    return await work(createIdentityService({ pool: client as unknown as pg.Pool, publicUrl: server!.ready.url }), client);
  } finally {
    await client.end();
  }
}

interface ListedUser {
  id: string;
  username: string;
  email: string | null;
  email_verified: boolean;
  display_name: string | null;
  active: boolean;
  admin: boolean;
  created_at: string;
}

async function listedUsers(): Promise<ListedUser[]> {
  const result = await gatehouse(['user', 'list', '--json', '--data', dataDir]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as ListedUser[];
}

describe('without a server running', () => {
  it('user add creates a user, with the password from stdin, and leaves no PostgreSQL and no lock behind', async () => {
    const added = await gatehouse(['user', 'add', 'alice', '--email', 'alice@example.org', '--display-name', 'Alice Liddell', '--password-stdin', '--admin', '--data', dataDir], {
      input: 'correct horse battery\nthe second line is ignored\n',
    });
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/^Added admin alice \(id [0-9a-f-]{36}\)\.\n$/);
    expect(postgresProcessesOf(dataDir)).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
  });

  it('user add without a password says how to set one later', async () => {
    const added = await gatehouse(['user', 'add', 'bob', '--email', 'bob@example.org', '--data', dataDir]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('bob has no password yet: set one with "gatehouse user set-password bob".');
  });

  it('user list prints the users as a table, and as JSON', async () => {
    const table = await gatehouse(['user', 'list', '--data', dataDir]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^USERNAME +EMAIL +DISPLAY NAME +STATUS +ROLE$/);
    expect(table.stdout).toMatch(/^alice +alice@example\.org +Alice Liddell +active +admin$/m);
    expect(table.stdout).toMatch(/^bob +bob@example\.org +active +user$/m);
    expect(await listedUsers()).toEqual([
      { id: expect.any(String), username: 'alice', email: 'alice@example.org', email_verified: false, display_name: 'Alice Liddell', active: true, admin: true, created_at: expect.any(String) },
      { id: expect.any(String), username: 'bob', email: 'bob@example.org', email_verified: false, display_name: null, active: true, admin: false, created_at: expect.any(String) },
    ]);
  });

  it('group add and group add-member make a group with members, found through GATEHOUSE_DATA too', async () => {
    const env = { GATEHOUSE_DATA: dataDir };
    const group = await gatehouse(['group', 'add', 'staff', '--description', 'Everyone who works here'], { env });
    expect(group.code, group.stderr).toBe(0);
    expect(group.stdout).toBe('Added group staff.\n');
    const member = await gatehouse(['group', 'add-member', 'staff', 'alice'], { env });
    expect(member.code, member.stderr).toBe(0);
    expect(member.stdout).toBe('alice is in staff.\n');
  });

  it('user set-password, user disable and user enable work too', async () => {
    const set = await gatehouse(['user', 'set-password', 'bob', '--password-stdin', '--data', dataDir], { input: 'bobs new password' });
    expect(set.code, set.stderr).toBe(0);
    expect((await gatehouse(['user', 'disable', 'bob', '--data', dataDir])).code).toBe(0);
    expect((await listedUsers()).find((user) => user.username === 'bob')?.active).toBe(false);
    expect((await gatehouse(['user', 'enable', 'bob', '--data', dataDir])).code).toBe(0);
    expect((await listedUsers()).find((user) => user.username === 'bob')?.active).toBe(true);
  });
});

describe('with the server running', () => {
  beforeAll(async () => {
    server = await startServe(dataDir);
  });

  it('finds everything the verbs did while it was stopped: passwords, admin, groups', async () => {
    await withDatabase(async (identity) => {
      const alice = await identity.verifyPassword('alice', 'correct horse battery');
      expect(alice).toMatchObject({ username: 'alice', isAdmin: true, displayName: 'Alice Liddell' });
      expect(await identity.groupsOf(alice!.id)).toEqual(['staff']);
      expect(await identity.verifyPassword('bob', 'bobs new password')).not.toBeNull();
    });
  });

  it('user add, group add and group add-member reach the running server’s database', async () => {
    const added = await gatehouse(['user', 'add', 'carol', '--email', 'carol@example.org', '--email-verified', '--password-stdin', '--data', dataDir], { input: 'carols password\n' });
    expect(added.code, added.stderr).toBe(0);
    expect((await gatehouse(['group', 'add', 'Readers', '--data', dataDir])).code).toBe(0);
    expect((await gatehouse(['group', 'add-member', 'readers', 'CAROL', '--data', dataDir])).code).toBe(0);
    await withDatabase(async (identity) => {
      const carol = await identity.verifyPassword('carol@example.org', 'carols password');
      expect(await identity.claimsFor(carol!.id)).toEqual({
        sub: carol!.id,
        preferred_username: 'carol',
        email: 'carol@example.org',
        email_verified: true,
        groups: ['Readers'],
      });
    });
    expect((await listedUsers()).map((user) => user.username)).toEqual(['alice', 'bob', 'carol']);
  });

  it('group remove-member takes a user out of a group', async () => {
    const removed = await gatehouse(['group', 'remove-member', 'Readers', 'carol', '--data', dataDir]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toBe('carol is not in Readers.\n');
    await withDatabase(async (identity) => expect(await identity.groupsOf((await identity.findUserByUsername('carol'))!.id)).toEqual([]));
  });

  it('user set-password replaces the password and ends the user’s sessions', async () => {
    const session = await withDatabase(async (identity) => identity.createSession((await identity.findUserByUsername('carol'))!.id, { authMethods: ['pwd'] }));
    const set = await gatehouse(['user', 'set-password', 'carol', '--password-stdin', '--data', dataDir], { input: 'carols newer password\n' });
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toBe('Password of carol set; 1 session signed out.\n');
    await withDatabase(async (identity) => {
      expect(await identity.authenticate(session.token)).toBeNull();
      expect(await identity.verifyPassword('carol', 'carols password')).toBeNull();
      expect(await identity.verifyPassword('carol', 'carols newer password')).not.toBeNull();
    });
  });

  it('user disable stops logins and ends the user’s sessions at once', async () => {
    const session = await withDatabase(async (identity) => identity.createSession((await identity.findUserByUsername('carol'))!.id, { authMethods: ['pwd'] }));
    const disabled = await gatehouse(['user', 'disable', 'carol', '--data', dataDir]);
    expect(disabled.code, disabled.stderr).toBe(0);
    expect(disabled.stdout).toBe('carol is disabled and signed out everywhere.\n');
    await withDatabase(async (identity) => {
      expect(await identity.authenticate(session.token)).toBeNull();
      expect(await identity.verifyPassword('carol', 'carols newer password')).toBeNull();
    });
  });

  it('user set-password asks on a terminal, twice, without showing what is typed', async () => {
    const result = await gatehouseOnTerminal(['user', 'set-password', 'bob', '--data', dataDir], [
      ['Password:', 'typed on a terminal'],
      ['The same again:', 'typed on a terminal'],
    ]);
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain('Password of bob set');
    expect(result.stdout).not.toContain('typed on a terminal');
    await withDatabase(async (identity) => expect(await identity.verifyPassword('bob', 'typed on a terminal')).not.toBeNull());
  });

  it('user set-password on a terminal changes nothing when the two answers differ', async () => {
    const result = await gatehouseOnTerminal(['user', 'set-password', 'bob', '--data', dataDir], [
      ['Password:', 'first answer here'],
      ['The same again:', 'second answer here'],
    ]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('The two passwords differ; nothing was changed.');
    await withDatabase(async (identity) => expect(await identity.verifyPassword('bob', 'typed on a terminal')).not.toBeNull());
  });

  it('a name that is taken, or not there, exits 1 and says so', async () => {
    const taken = await gatehouse(['user', 'add', 'ALICE', '--email', 'other@example.org', '--data', dataDir]);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('The username "ALICE" is taken');
    const missingUser = await gatehouse(['user', 'disable', 'nobody', '--data', dataDir]);
    expect(missingUser.code).toBe(1);
    expect(missingUser.stderr).toContain('There is no user "nobody"');
    const missingGroup = await gatehouse(['group', 'add-member', 'nogroup', 'alice', '--data', dataDir]);
    expect(missingGroup.code).toBe(1);
    expect(missingGroup.stderr).toContain('There is no group "nogroup"');
    const groupTaken = await gatehouse(['group', 'add', 'STAFF', '--data', dataDir]);
    expect(groupTaken.code).toBe(1);
    expect(groupTaken.stderr).toContain('The group "STAFF" exists already');
  });
});

describe('bad input', () => {
  // Against a real data dir, so a mistake the verb failed to catch would not be hidden behind "no Gatehouse here".
  const mistakes: Array<[string, string[], string | undefined, string]> = [
    ['a password given as an option', ['user', 'add', 'dan', '--email', 'dan@example.org', '--password', 'hunter2hunter2'], undefined, "Unknown option '--password'"],
    ['a password given as --password=', ['user', 'set-password', 'bob', '--password=hunter2hunter2'], undefined, "Unknown option '--password'"],
    ['a password given as an extra argument', ['user', 'add', 'dan', 'hunter2hunter2', '--email', 'dan@example.org'], undefined, 'expected NAME only, got 2 arguments'],
    ['a malformed username', ['user', 'add', 'dan smith', '--email', 'dan@example.org'], undefined, 'A username is 1 to 64 letters'],
    ['a malformed email', ['user', 'add', 'dan', '--email', 'dan.example.org'], undefined, '"dan.example.org" is not an email address.'],
    ['no email', ['user', 'add', 'dan'], undefined, 'missing --email EMAIL'],
    ['no username', ['user', 'add', '--email', 'dan@example.org'], undefined, 'missing NAME'],
    ['an empty display name', ['user', 'add', 'dan', '--email', 'dan@example.org', '--display-name', ''], undefined, 'A display name is 1 to 200 characters.'],
    ['a password too short on stdin', ['user', 'add', 'dan', '--email', 'dan@example.org', '--password-stdin'], 'short\n', 'A password needs at least 8 characters.'],
    ['an empty stdin for --password-stdin', ['user', 'set-password', 'bob', '--password-stdin'], '', '--password-stdin found no password'],
    ['set-password with no password and no terminal', ['user', 'set-password', 'bob'], undefined, 'No password: pipe it in with --password-stdin'],
    ['a malformed group name', ['group', 'add', 'staff/ops'], undefined, 'A group name is 1 to 64 letters'],
    ['add-member without the user', ['group', 'add-member', 'staff'], undefined, 'missing GROUP and USER'],
    ['user list with an argument', ['user', 'list', 'alice'], undefined, 'expected no arguments, got 1 argument'],
    ['an unknown option', ['user', 'disable', 'bob', '--force'], undefined, "Unknown option '--force'"],
  ];

  for (const [what, args, input, message] of mistakes) {
    it(`${what} exits 2 with a clear message, and changes nothing`, async () => {
      const result = await gatehouse([...args, '--data', dataDir], { input });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr + result.stdout).not.toContain('hunter2');
    });
  }

  it('no user was added by any of those', async () => {
    expect((await listedUsers()).map((user) => user.username)).toEqual(['alice', 'bob', 'carol']);
  });

  it('every identity verb answers --help with its options, exit 0', async () => {
    const verbs = ['user add', 'user list', 'user set-password', 'user disable', 'user enable', 'group add', 'group add-member', 'group remove-member'];
    for (const verb of verbs) {
      const result = await gatehouse([...verb.split(' '), '--help']);
      expect(result.code, verb).toBe(0);
      expect(result.stdout).toContain(`Usage: gatehouse ${verb}`);
      expect(result.stdout).toContain('--data DIR');
    }
    expect((await gatehouse(['user', 'add', '--help'])).stdout).toContain('--password-stdin');
  });
});
