// The `gatehouse` command line. Every verb answers --help; a usage mistake exits 2.
import { parseArgs } from 'node:util';
import { ApplianceError, EXIT_USAGE, errorMessage } from './errors.ts';
import { CONFIG_FLAGS, loadConfig } from './config.ts';
import { defaultDataDir } from './data-dir.ts';
import { serve } from './serve.ts';
import { VERSION } from './paths.ts';
import { commonOptions, resolveDataDir, type Verb, type VerbValues } from './verb.ts';
import { identityVerbs } from '../identity/cli.ts';
import { oidcVerbs } from '../providers/oidc/cli.ts';
import { backupVerbs } from '../backup/cli.ts';

const VERBS: Record<string, Verb> = {
  serve: {
    summary: 'run Gatehouse: embedded PostgreSQL (or --database-url), the identity provider and its jobs',
    usage: 'gatehouse serve [options]',
    options: {
      ...commonOptions,
      json: { type: 'boolean' },
      host: { type: 'string' },
      port: { type: 'string' },
      'database-url': { type: 'string' },
      'max-connections': { type: 'string' },
      'log-level': { type: 'string' },
      'postgres-tcp': { type: 'boolean' },
      'postgres-tcp-port': { type: 'string' },
      lan: { type: 'boolean' },
      'lan-hostname': { type: 'string' },
      'lan-bind': { type: 'string' },
      'lan-port': { type: 'string' },
      'lan-allow-admin': { type: 'boolean' },
    },
    help: `Options:
  --data DIR              data dir (default: ${defaultDataDir()}; env GATEHOUSE_DATA)
  --config FILE           YAML config file (default: DIR/gatehouse.yaml when it exists; env GATEHOUSE_CONFIG)
  --host ADDRESS          address to listen on (default 127.0.0.1; 0.0.0.0 for the whole LAN)
  --port PORT             HTTP port (default 9080; 0 picks a free one)
  --database-url URL      use an existing PostgreSQL instead of the embedded one (env DATABASE_URL)
  --max-connections N     most PostgreSQL connections this process may hold (default 12)
  --log-level LEVEL       fatal, error, warn, info, debug or trace (default info)
  --postgres-tcp          also let the embedded PostgreSQL listen on 127.0.0.1 (TLS 1.3 only)
  --postgres-tcp-port N   its TCP port (default 5433)
  --lan                   also serve HTTPS on the LAN, with a local CA devices install (docs/lan.md)
  --lan-hostname NAME     the name LAN devices use (default gatehouse.local, advertised over mDNS)
  --lan-bind ADDRESS      address of the LAN listener (default 0.0.0.0)
  --lan-port PORT         its HTTPS port (default 9443; 0 picks a free one)
  --lan-allow-admin       let the admin pages and API answer on the LAN too (default: this machine only)
  --json                  print the ready line as JSON
  -h, --help              show this help

Every setting can also come from the config file or a GATEHOUSE_* variable; see docs/configuration.md.
Prints one line when ready. Stops cleanly on Ctrl-C or SIGTERM.`,
    async run(values) {
      const dataDir = resolveDataDir(values);
      const flags: Record<string, string | boolean | undefined> = {};
      for (const flag of Object.keys(CONFIG_FLAGS)) flags[flag] = values[flag] as string | boolean | undefined;
      const config = loadConfig(dataDir, { file: values.config as string | undefined, env: process.env, flags });
      await serve({ dataDir, config, json: values.json === true, version: VERSION });
    },
  },
  version: {
    summary: 'print the version',
    usage: 'gatehouse version',
    options: { help: commonOptions.help },
    help: 'Prints the Gatehouse version and exits.',
    async run() {
      process.stdout.write(`gatehouse ${VERSION}\n`);
    },
  },
  ...identityVerbs,
  ...oidcVerbs,
  ...backupVerbs,
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(VERBS).map((v) => v.length));
  return `Gatehouse ${VERSION}: a self-hosted identity provider for small teams.

Usage: gatehouse <command> [options]

Commands:
${Object.entries(VERBS).map(([name, verb]) => `  ${name.padEnd(width)}  ${verb.summary}`).join('\n')}

Run "gatehouse <command> --help" for a command's options.
`;
}

export async function main(argv: string[]): Promise<number> {
  // Verbs are one word (serve) or two (user add).
  const [first, second] = argv;
  const verbName = first !== undefined && second !== undefined && VERBS[`${first} ${second}`] ? `${first} ${second}` : first;
  const rest = argv.slice(verbName?.includes(' ') ? 2 : 1);
  if (verbName === undefined || verbName === '--help' || verbName === '-h' || verbName === 'help') {
    process.stdout.write(mainHelp());
    return verbName === undefined ? EXIT_USAGE : 0;
  }
  if (verbName === '--version') return (await VERBS.version!.run({}, []), 0);
  const verb = VERBS[verbName];
  if (!verb) {
    const group = Object.keys(VERBS).filter((name) => name.startsWith(`${verbName} `));
    const hint = group.length > 0 ? `"${verbName}" needs one of: ${group.map((name) => name.split(' ')[1]).join(', ')}.` : `unknown command "${verbName}".`;
    process.stderr.write(`gatehouse: ${hint}\n\n${mainHelp()}`);
    return EXIT_USAGE;
  }
  let parsed: { values: VerbValues; positionals: string[] };
  try {
    parsed = parseArgs({ args: rest, options: verb.options, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (error) {
    process.stderr.write(`gatehouse ${verbName}: ${errorMessage(error)}\nUsage: ${verb.usage}\nRun "gatehouse ${verbName} --help" for the options.\n`);
    return EXIT_USAGE;
  }
  if (parsed.values.help) {
    process.stdout.write(`Usage: ${verb.usage}\n\n${verb.summary[0]!.toUpperCase()}${verb.summary.slice(1)}.\n\n${verb.help}\n`);
    return 0;
  }
  try {
    await verb.run(parsed.values, parsed.positionals);
    return 0;
  } catch (error) {
    if (error instanceof ApplianceError) {
      process.stderr.write(`gatehouse ${verbName}: ${error.message}\n`);
      if (parsed.values.json) process.stdout.write(JSON.stringify({ event: 'error', code: error.code, message: error.message }) + '\n');
      return error.exitCode;
    }
    process.stderr.write(`gatehouse ${verbName}: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

const exitCode = await main(process.argv.slice(2));
// serve keeps running after main() returns; every other outcome ends here.
if (exitCode !== 0 || process.argv[2] !== 'serve') process.exit(exitCode);
