// Command-line verbs of the identity domain: user add|list|set-password|disable|enable, group add|add-member|remove-member.
// They work on the data dir's database whether or not the server runs (withCliDatabase), and the server sees each
// change at its next request: sessions and users are read from the database on every request, never cached. Each
// change goes through the admin API's own services, so it obeys the same rules (the last admin stays) and records the
// same event with the actor "cli", which every open control UI hears of at once.
import { ApplianceError, UsageError } from '../appliance/errors.ts';
import { withCliDatabase } from '../appliance/cli-database.ts';
import { commonOptions, DATA_OPTION_HELP, type Verb, type VerbValues } from '../appliance/verb.ts';
import type { EventActor } from '../admin/audit.ts';
import { createUsersAdmin, type UsersAdmin } from '../admin/users/service.ts';
import { GroupsAdmin } from '../admin/groups/service.ts';
import { IdentityError } from './errors.ts';
import { checkPasswordPolicy } from './passwords.ts';
import { checkDisplayName, checkEmail, checkGroupDescription, checkGroupName, checkUsername } from './schemas.ts';
import { createIdentityService, type IdentityService, type UserRecord } from './service.ts';
import { passwordFromPrompt, passwordFromStdin, stdinIsTerminal } from './cli-password.ts';

const PASSWORD_STDIN_HELP = `  --password-stdin        read the password from the first line of stdin
                          (without it, a terminal asks for it without showing it;
                          a password is never taken from the command line)`;

/** Who the event log names for a change made here. */
const CLI_ACTOR: EventActor = { actor: 'cli' };

interface CliServices {
  identity: IdentityService;
  users: UsersAdmin;
  groups: GroupsAdmin;
}

/** Runs `work` on the services of the data dir's database; identity errors become CLI errors. */
async function withIdentity<T>(values: VerbValues, work: (services: CliServices) => Promise<T>): Promise<T> {
  return withCliDatabase(values, (db) => {
    const identity = createIdentityService({ pool: db.pool, publicUrl: db.publicUrl });
    const users = createUsersAdmin({ identity, db: db.pool, publicUrl: db.publicUrl });
    return work({ identity, users, groups: new GroupsAdmin({ identity, db: db.pool, users }) });
  });
}

/** Bad input exits 2 (UsageError); a name taken or not found exits 1. */
function asCliError(error: unknown): unknown {
  if (!(error instanceof IdentityError)) return error;
  return error.isInvalidInput ? new UsageError(error.code, error.message) : new ApplianceError(error.code, error.message);
}

function withCliErrors(run: Verb['run']): Verb['run'] {
  return async (values, positionals) => {
    try {
      await run(values, positionals);
    } catch (error) {
      throw asCliError(error);
    }
  };
}

/** The verb's positional arguments, exactly as many as it names. Extra ones are not echoed: one might be a password. */
function names(verb: string, positionals: string[], wanted: string[]): string[] {
  if (positionals.length < wanted.length) throw new UsageError('usage', `missing ${wanted.join(' and ')}. Usage: gatehouse ${verb} ${wanted.join(' ')}`);
  if (positionals.length > wanted.length) {
    const expected = wanted.length === 0 ? 'no arguments' : `${wanted.join(' and ')} only`;
    throw new UsageError('usage', `expected ${expected}, got ${positionals.length} argument${positionals.length === 1 ? '' : 's'}. (A password is never an argument: see --help.)`);
  }
  return positionals;
}

async function existingUser(identity: IdentityService, username: string): Promise<UserRecord> {
  const user = await identity.findUserByUsername(username);
  if (!user) throw new IdentityError('user_not_found', `There is no user "${username}". "gatehouse user list" shows them.`);
  return user;
}

/** The password for a verb: from stdin, else from a terminal prompt, else none (or an error when one is needed). */
async function readPassword(values: VerbValues, options: { required: boolean }): Promise<string | null> {
  let password: string | null;
  if (values['password-stdin']) password = await passwordFromStdin();
  else if (stdinIsTerminal()) password = await passwordFromPrompt('Password', { optional: !options.required });
  else if (options.required) throw new UsageError('no_password', 'No password: pipe it in with --password-stdin, or run this in a terminal to be asked for it.');
  else password = null;
  // The rules every policy shares, before the database is opened; the policy in the settings applies when it is set.
  if (password !== null) checkPasswordPolicy(password);
  return password;
}

const userAdd: Verb = {
  summary: 'add a user',
  usage: 'gatehouse user add NAME --email EMAIL [--display-name NAME] [--password-stdin] [--admin] [options]',
  options: {
    ...commonOptions,
    email: { type: 'string' },
    'email-verified': { type: 'boolean' },
    'display-name': { type: 'string' },
    'password-stdin': { type: 'boolean' },
    admin: { type: 'boolean' },
  },
  help: `NAME is the username: 1 to 64 letters, digits, dots, dashes, underscores or @.

Options:
  --email EMAIL           the user's email address (required)
  --email-verified        tell apps the address is verified (you vouch for it)
  --display-name NAME     the full name apps show, e.g. "Ada Lovelace"
${PASSWORD_STDIN_HELP}
  --admin                 make the user an admin of Gatehouse
${DATA_OPTION_HELP}
  -h, --help              show this help

Without a password (stdin not a terminal, or an empty answer) the user cannot log in until
"gatehouse user set-password NAME". Prints the new user's id.`,
  run: withCliErrors(async (values, positionals) => {
    const [username] = names('user add', positionals, ['NAME']) as [string];
    checkUsername(username);
    const email = values.email as string | undefined;
    if (email === undefined) throw new UsageError('usage', 'missing --email EMAIL: every user needs an email address.');
    checkEmail(email);
    const displayName = values['display-name'] as string | undefined;
    if (displayName !== undefined) checkDisplayName(displayName);
    const password = await readPassword(values, { required: false });
    const user = await withIdentity(values, ({ users }) =>
      users.create({ username, email, displayName, password: password ?? undefined, isAdmin: values.admin === true, emailVerified: values['email-verified'] === true }, CLI_ACTOR),
    );
    process.stdout.write(`Added ${user.isAdmin ? 'admin' : 'user'} ${user.username} (id ${user.id}).\n`);
    if (password === null) process.stdout.write(`${user.username} has no password yet: set one with "gatehouse user set-password ${user.username}".\n`);
  }),
};

const userList: Verb = {
  summary: 'list the users',
  usage: 'gatehouse user list [--json] [options]',
  options: { ...commonOptions, json: { type: 'boolean' } },
  help: `Options:
  --json                  print a JSON array: id, username, email, email_verified, display_name,
                          active, admin, created_at for each user
${DATA_OPTION_HELP}
  -h, --help              show this help

Prints every user in username order.`,
  run: withCliErrors(async (values, positionals) => {
    names('user list', positionals, []);
    const users = await withIdentity(values, async ({ identity }) => {
      const all: UserRecord[] = [];
      for (let page = await identity.listUsers({ limit: 1_000 }); page.length > 0; page = await identity.listUsers({ limit: 1_000, after: page.at(-1)!.username })) all.push(...page);
      return all;
    });
    if (values.json) {
      const rows = users.map((user) => ({
        id: user.id,
        username: user.username,
        email: user.email,
        email_verified: user.emailVerified,
        display_name: user.displayName,
        active: user.isActive,
        admin: user.isAdmin,
        created_at: user.createdAt.toISOString(),
      }));
      process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      return;
    }
    if (users.length === 0) {
      process.stdout.write('No users yet. Add one with "gatehouse user add NAME --email EMAIL".\n');
      return;
    }
    process.stdout.write(table(['USERNAME', 'EMAIL', 'DISPLAY NAME', 'STATUS', 'ROLE'], users.map((user) => [
      user.username,
      user.email ?? '',
      user.displayName ?? '',
      user.isActive ? 'active' : 'disabled',
      user.isAdmin ? 'admin' : 'user',
    ])));
  }),
};

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  return [header, ...rows].map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n') + '\n';
}

const userSetPassword: Verb = {
  summary: "set a user's password and sign them out everywhere",
  usage: 'gatehouse user set-password NAME [--password-stdin] [options]',
  options: { ...commonOptions, 'password-stdin': { type: 'boolean' } },
  help: `Options:
${PASSWORD_STDIN_HELP}
${DATA_OPTION_HELP}
  -h, --help              show this help

A password has up to 1024 characters, and at least the password policy's minimum (8 unless
changed in the control UI's settings). The user's sessions end, so whoever knew the old
password is signed out too.`,
  run: withCliErrors(async (values, positionals) => {
    const [username] = names('user set-password', positionals, ['NAME']) as [string];
    const password = (await readPassword(values, { required: true }))!;
    const signedOut = await withIdentity(values, async ({ identity, users }) => {
      const user = await existingUser(identity, username);
      return (await users.setPassword(user.id, password, CLI_ACTOR)).sessionsRevoked;
    });
    process.stdout.write(`Password of ${username} set; ${signedOut} session${signedOut === 1 ? '' : 's'} signed out.\n`);
  }),
};

function setActiveVerb(active: boolean): Verb {
  const verb = active ? 'enable' : 'disable';
  return {
    summary: active ? 'let a disabled user log in again' : 'stop a user from logging in, and sign them out everywhere',
    usage: `gatehouse user ${verb} NAME [options]`,
    options: commonOptions,
    help: `Options:
${DATA_OPTION_HELP}
  -h, --help              show this help

${active ? 'The user can log in again with their password; sessions ended by "disable" stay ended.' : 'The user keeps their account, groups and password, but cannot log in, and every session\nthey have ends at once. Apps refuse their tokens at the next refresh. Undo with "gatehouse user enable NAME".\nThe last active admin cannot be disabled: make someone else an admin first.'}`,
    run: withCliErrors(async (values, positionals) => {
      const [username] = names(`user ${verb}`, positionals, ['NAME']) as [string];
      await withIdentity(values, async ({ identity, users }) => users.update((await existingUser(identity, username)).id, { isActive: active }, CLI_ACTOR));
      process.stdout.write(active ? `${username} is enabled.\n` : `${username} is disabled and signed out everywhere.\n`);
    }),
  };
}

const groupAdd: Verb = {
  summary: 'add a group',
  usage: 'gatehouse group add NAME [--description TEXT] [options]',
  options: { ...commonOptions, description: { type: 'string' } },
  help: `NAME: 1 to 64 letters, digits, spaces, dots, dashes or underscores. Apps see it in the
"groups" claim, e.g. to make its members admins of Grafana.

Options:
  --description TEXT      what the group is for (up to 500 characters)
${DATA_OPTION_HELP}
  -h, --help              show this help`,
  run: withCliErrors(async (values, positionals) => {
    const [name] = names('group add', positionals, ['NAME']) as [string];
    checkGroupName(name);
    const description = values.description as string | undefined;
    if (description !== undefined) checkGroupDescription(description);
    const group = await withIdentity(values, ({ groups }) => groups.create({ name, description }, CLI_ACTOR));
    process.stdout.write(`Added group ${group.name}.\n`);
  }),
};

function membershipVerb(change: 'add' | 'remove'): Verb {
  const verb = `group ${change}-member`;
  return {
    summary: change === 'add' ? 'put a user in a group' : 'take a user out of a group',
    usage: `gatehouse ${verb} GROUP USER [options]`,
    options: commonOptions,
    help: `Options:
${DATA_OPTION_HELP}
  -h, --help              show this help

${change === 'add' ? 'A user already in the group stays in it.' : 'A user not in the group stays out of it.'} Apps see the change in the
"groups" claim of the next token they get.`,
    run: withCliErrors(async (values, positionals) => {
      const [group, username] = names(verb, positionals, ['GROUP', 'USER']) as [string, string];
      await withIdentity(values, ({ groups }) => groups.changeMembershipByName(change, group, username, CLI_ACTOR));
      process.stdout.write(change === 'add' ? `${username} is in ${group}.\n` : `${username} is not in ${group}.\n`);
    }),
  };
}

export const identityVerbs: Record<string, Verb> = {
  'user add': userAdd,
  'user list': userList,
  'user set-password': userSetPassword,
  'user disable': setActiveVerb(false),
  'user enable': setActiveVerb(true),
  'group add': groupAdd,
  'group add-member': membershipVerb('add'),
  'group remove-member': membershipVerb('remove'),
};
