// Command-line verbs of backups: backup create|restore|verify|list. They work on the data dir's database whether
// or not the server runs; a restore while it runs is picked up by every instance at once (platform.reset).
// The passphrase comes from a no-echo prompt or the first line of stdin, never from an argument.
import fs from 'node:fs';
import path from 'node:path';
import { ApplianceError, errorMessage, UsageError } from '../appliance/errors.ts';
import { withCliDatabase, type CliDatabase } from '../appliance/cli-database.ts';
import { commonOptions, DATA_OPTION_HELP, type Verb, type VerbValues } from '../appliance/verb.ts';
import { passwordFromPrompt, passwordFromStdin, stdinIsTerminal } from '../identity/cli-password.ts';
import { BackupError } from './errors.ts';
import { createBackup } from './snapshot.ts';
import { restoreBackup, verifyBackup } from './restore.ts';
import { backupFileName } from './retention.ts';
import { BackupService, checkPassphrase, defaultBackupsDir } from './service.ts';
import type { Progress } from './progress.ts';
import { pino } from 'pino';
import { exportConfig, importConfig, parseConfig } from './config-transfer.ts';

const PASSPHRASE_HELP = `  --passphrase-stdin      read the passphrase from the first line of stdin (for scripts;
                          without it, a terminal asks for it without showing it; a
                          passphrase is never taken from the command line)`;

async function readPassphrase(values: VerbValues, options: { confirm: boolean }): Promise<string> {
  let passphrase: string | null;
  if (values['passphrase-stdin']) {
    try {
      passphrase = await passwordFromStdin();
    } catch {
      throw new UsageError('no_passphrase', '--passphrase-stdin found no passphrase: give it as the first line of stdin, e.g. printf "%s\\n" "$PASSPHRASE" | gatehouse backup …');
    }
  } else if (stdinIsTerminal()) {
    passphrase = await passwordFromPrompt(options.confirm ? 'Backup passphrase (keep it safe: without it the backup cannot be opened)' : 'Backup passphrase', { optional: false });
  } else {
    throw new UsageError('no_passphrase', 'No passphrase: pipe it in with --passphrase-stdin, or run this in a terminal to be asked for it.');
  }
  return passphrase!;
}

/** Writes progress to stderr: one updating line on a terminal, a line every few seconds otherwise. */
function progressPrinter(): { onProgress: (p: Readonly<Progress>) => void; done(): void } {
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  let lastPhase = '';
  return {
    onProgress(p) {
      const now = Date.now();
      if (!tty && p.phase === lastPhase && now - lastLine < 5_000) return;
      lastLine = now;
      lastPhase = p.phase;
      const rows = p.rowsTotal ? `${p.rowsDone.toLocaleString('en')} of ~${p.rowsTotal.toLocaleString('en')} rows` : `${p.rowsDone.toLocaleString('en')} rows`;
      const line = `${p.phase}${p.table ? ` ${p.table}` : ''}: ${rows}, ${(p.bytesDone / 1_048_576).toFixed(1)} MiB`;
      process.stderr.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
    },
    done() {
      if (tty) process.stderr.write('\r\x1b[K');
    },
  };
}

function asCliError(error: unknown): unknown {
  if (error instanceof BackupError && error.isInvalidInput) return new ApplianceError(error.code, error.message);
  return error;
}

/** Opens the data dir's database for the verb and hands the pieces to work. */
async function withDatabase<T>(values: VerbValues, work: (db: CliDatabase, dataDir: string) => Promise<T>): Promise<T> {
  try {
    return await withCliDatabase(values, work);
  } catch (error) {
    throw asCliError(error);
  }
}

/** The event log, for what a verb did (who: "cli"). */
function cliEvents(db: CliDatabase, dataDir: string): BackupService {
  return new BackupService({ pool: db.pool, secrets: db.secrets, dataDir, instanceId: 'cli', logger: pino({ level: 'silent' }) });
}

function oneFile(verb: string, positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError('usage', `expected one FILE. Usage: gatehouse ${verb} FILE`);
  return path.resolve(positionals[0]!);
}

const backupCreate: Verb = {
  summary: 'make an encrypted backup of everything',
  usage: 'gatehouse backup create [--out FILE] [--passphrase-stdin] [options]',
  options: { ...commonOptions, out: { type: 'string' }, 'passphrase-stdin': { type: 'boolean' }, json: { type: 'boolean' } },
  help: `Writes one encrypted file holding every user, group, application, session, signing key,
setting and event, and the media files; it restores on this or another machine.

Options:
  --out FILE              where to write it (default: DATA/backups/gatehouse-<UTC time>.ghbk);
                          an existing file is never overwritten
${PASSPHRASE_HELP}
  --json                  print the result as JSON: file, bytes, rows, tables, ms
${DATA_OPTION_HELP}
  -h, --help              show this help

The passphrase needs at least 12 characters. Keep it away from this machine: the backup
cannot be opened without it. Progress goes to stderr.`,
  run: async (values, positionals) => {
    if (positionals.length > 0) throw new UsageError('usage', 'backup create takes no arguments; name the file with --out FILE.');
    const passphrase = checkPassphraseForCli(await readPassphrase(values, { confirm: true }));
    await withDatabase(values, async (db, dataDir) => {
      const file = path.resolve((values.out as string | undefined) ?? path.join(defaultBackupsDir(dataDir), backupFileName(new Date())));
      const progress = progressPrinter();
      const result = await createBackup({ pool: db.pool, secrets: db.secrets, dataDir }, { file, passphrase, onProgress: progress.onProgress }).finally(progress.done);
      await cliEvents(db, dataDir).recordEvent('backup.created', { actor: 'cli' }, { id: 'cli' }, { file: result.file, bytes: result.bytes, rows: result.manifest.totals.rows, ms: result.ms });
      if (values.json) {
        process.stdout.write(JSON.stringify({ file: result.file, bytes: result.bytes, rows: result.manifest.totals.rows, tables: Object.keys(result.manifest.tables).length, ms: result.ms }) + '\n');
      } else {
        process.stdout.write(`Backup written: ${result.file}\n  ${result.manifest.totals.rows.toLocaleString('en')} rows in ${Object.keys(result.manifest.tables).length} tables, ${Object.keys(result.manifest.files).length} media files, ${(result.bytes / 1_048_576).toFixed(1)} MiB, ${(result.ms / 1000).toFixed(1)} s.\n`);
      }
    });
  },
};

function checkPassphraseForCli(passphrase: string): string {
  try {
    return checkPassphrase(passphrase);
  } catch (error) {
    throw new UsageError('backup_passphrase_weak', errorMessage(error));
  }
}

const backupRestore: Verb = {
  summary: 'replace all data with a backup',
  usage: 'gatehouse backup restore FILE [--passphrase-stdin] [options]',
  options: { ...commonOptions, 'passphrase-stdin': { type: 'boolean' } },
  help: `Replaces every user, group, application, session, key and setting with the backup's.

First the whole file is read and every checksum checked; a wrong passphrase, a damaged
or incomplete file stops here with nothing changed. Then the backup is loaded beside the
live data, migrated to this version, checked, and swapped in at once. The server may keep
running: every instance switches to the restored data together.

Options:
${PASSPHRASE_HELP}
${DATA_OPTION_HELP}
  -h, --help              show this help`,
  run: async (values, positionals) => {
    const file = oneFile('backup restore', positionals);
    const passphrase = await readPassphrase(values, { confirm: false });
    await withDatabase(values, async (db, dataDir) => {
      const progress = progressPrinter();
      const result = await restoreBackup({ pool: db.pool, secrets: db.secrets, dataDir, instanceId: 'cli' }, { file, passphrase, onProgress: progress.onProgress }).finally(progress.done);
      await cliEvents(db, dataDir).recordEvent('backup.restored', { actor: 'cli' }, { id: 'cli' }, { file, backupCreatedAt: result.head.createdAt, rows: result.manifest.totals.rows, ms: result.ms, ...(result.warning ? { warning: result.warning } : {}) });
      process.stdout.write(`Restored the backup of ${result.head.createdAt} (Gatehouse ${result.head.appVersion}): ${result.manifest.totals.rows.toLocaleString('en')} rows, ${(result.ms / 1000).toFixed(1)} s.\n`);
      if (result.migratedForward.length > 0) process.stdout.write(`  Brought it up to this version with ${result.migratedForward.length} migration(s).\n`);
      if (result.resealed > 0) process.stdout.write(`  Sealed ${result.resealed} stored secret(s) again with this machine's master key.\n`);
      if (result.warning) process.stderr.write(`Warning: ${result.warning}\n`);
    });
  },
};

const backupVerify: Verb = {
  summary: 'check that a backup restores, without changing anything',
  usage: 'gatehouse backup verify FILE [--passphrase-stdin] [--json] [options]',
  options: { ...commonOptions, 'passphrase-stdin': { type: 'boolean' }, json: { type: 'boolean' } },
  help: `Restores FILE into a scratch area of the database, compares every table's row count and
checksum with the backup's, and throws the scratch area away. Exit 0: the backup restores
faithfully. Live data is not touched.

Options:
${PASSPHRASE_HELP}
  --json                  print the result as JSON: created_at, app_version, tables [{name, rows, matches}]
${DATA_OPTION_HELP}
  -h, --help              show this help`,
  run: async (values, positionals) => {
    const file = oneFile('backup verify', positionals);
    const passphrase = await readPassphrase(values, { confirm: false });
    await withDatabase(values, async (db, dataDir) => {
      const progress = progressPrinter();
      const result = await verifyBackup({ pool: db.pool, secrets: db.secrets, dataDir, instanceId: 'cli' }, { file, passphrase, onProgress: progress.onProgress }).finally(progress.done);
      await cliEvents(db, dataDir).recordEvent('backup.verified', { actor: 'cli' }, { id: 'cli' }, { file, backupCreatedAt: result.head.createdAt, rows: result.manifest.totals.rows, ms: result.ms });
      if (values.json) {
        process.stdout.write(JSON.stringify({ created_at: result.head.createdAt, app_version: result.head.appVersion, tables: result.tables.map((t) => ({ name: t.name, rows: t.rows, matches: t.matches })) }) + '\n');
      } else {
        process.stdout.write(`OK: the backup of ${result.head.createdAt} restores faithfully (${result.tables.length} tables, ${result.manifest.totals.rows.toLocaleString('en')} rows, every checksum matches).\n`);
      }
    });
  },
};

const backupList: Verb = {
  summary: 'list backup files and recent runs',
  usage: 'gatehouse backup list [--json] [options]',
  options: { ...commonOptions, json: { type: 'boolean' } },
  help: `Lists the backup files in DATA/backups and the schedule's destination (newest first), then
the schedule. Reading a file's date needs no passphrase.

Options:
  --json                  print {files: [{name, path, size, created_at, app_version, problem}], schedule}
${DATA_OPTION_HELP}
  -h, --help              show this help`,
  run: async (values, positionals) => {
    if (positionals.length > 0) throw new UsageError('usage', 'backup list takes no arguments.');
    await withDatabase(values, async (db, dataDir) => {
      const service = cliEvents(db, dataDir);
      const files = await service.listFiles();
      const schedule = await service.getSchedule();
      if (values.json) {
        process.stdout.write(JSON.stringify({
          files: files.map((f) => ({ name: f.name, path: f.path, size: f.size, created_at: f.createdAt, app_version: f.appVersion, problem: f.problem })),
          schedule: { enabled: schedule.enabled, cron: schedule.cron, time_zone: schedule.timeZone, next_run_at: schedule.nextRunAt, last_status: schedule.lastRun?.status ?? null },
        }) + '\n');
        return;
      }
      if (files.length === 0) process.stdout.write(`No backups yet in ${defaultBackupsDir(dataDir)}. Make one with "gatehouse backup create".\n`);
      for (const f of files) {
        process.stdout.write(`${f.createdAt ?? '(unreadable)'}  ${(f.size / 1_048_576).toFixed(1).padStart(8)} MiB  ${f.path}${f.problem ? `  (${f.problem})` : ''}\n`);
      }
      process.stdout.write(schedule.enabled
        ? `Scheduled: ${schedule.description} (${schedule.timeZone}); next run ${schedule.nextRunAt}; last ${schedule.lastRun ? `${schedule.lastRun.status} at ${schedule.lastRun.startedAt}` : 'never'}.\n`
        : 'Scheduled backups are off.\n');
    });
  },
};

const configExport: Verb = {
  summary: 'write groups, applications and settings as YAML',
  usage: 'gatehouse config export [--out FILE] [--with-secrets] [options]',
  options: { ...commonOptions, out: { type: 'string' }, 'with-secrets': { type: 'boolean' } },
  help: `Prints the configuration (groups, applications, settings) as a YAML document that
"gatehouse config import" applies here or on another instance. Users, sessions, keys and
events are data, not configuration: backups carry those.

Options:
  --out FILE              write to FILE instead of stdout
  --with-secrets          include the applications' secret hashes (so imported applications
                          keep their secrets) and the scheduled backup passphrase; the file
                          is then written readable by you only. Without it, no secret is included.
${DATA_OPTION_HELP}
  -h, --help              show this help`,
  run: async (values, positionals) => {
    if (positionals.length > 0) throw new UsageError('usage', 'config export takes no arguments; name the file with --out FILE.');
    await withDatabase(values, async (db, dataDir) => {
      const text = await exportConfig({ pool: db.pool, secrets: db.secrets, dataDir, instanceId: 'cli' }, { withSecrets: values['with-secrets'] === true });
      const out = values.out as string | undefined;
      if (out) {
        const target = path.resolve(out);
        fs.writeFileSync(target, text, { mode: values['with-secrets'] ? 0o600 : 0o644 });
        // The mode applies only to a new file: an existing one is made private too when it holds secrets.
        if (values['with-secrets']) fs.chmodSync(target, 0o600);
        process.stderr.write(`Wrote ${path.resolve(out)}.\n`);
      } else {
        process.stdout.write(text);
      }
    });
  },
};

const configImport: Verb = {
  summary: 'apply a YAML config document (idempotent)',
  usage: 'gatehouse config import FILE [--dry-run] [--json] [options]',
  options: { ...commonOptions, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } },
  help: `Applies a document made by "gatehouse config export": groups are matched by name,
applications by client id, settings by key. What is missing is created, what differs is
updated, nothing is deleted; running it twice changes nothing the second time. One bad item
(named with its place, e.g. applications[2].redirectUris[0]) and nothing is imported.

A confidential application created without a secret hash in the document gets a new
secret, printed once.

Options:
  --dry-run               report what would change, change nothing
  --json                  print the report as JSON: {changes: [{kind, name, action, fields}], new_secrets}
${DATA_OPTION_HELP}
  -h, --help              show this help`,
  run: async (values, positionals) => {
    const file = oneFile('config import', positionals);
    if (!fs.existsSync(file)) throw new UsageError('usage', `There is no file ${file}.`);
    const document = (() => {
      try {
        return parseConfig(fs.readFileSync(file, 'utf8'));
      } catch (error) {
        throw new UsageError('config_invalid', errorMessage(error));
      }
    })();
    await withDatabase(values, async (db, dataDir) => {
      const report = await importConfig({ pool: db.pool, secrets: db.secrets, dataDir, instanceId: 'cli' }, document, { dryRun: values['dry-run'] === true });
      if (values.json) {
        process.stdout.write(JSON.stringify({ dry_run: report.dryRun, changes: report.changes, new_secrets: report.newSecrets.map((s) => ({ client_id: s.clientId, client_secret: s.clientSecret })) }) + '\n');
        return;
      }
      for (const change of report.changes) {
        process.stdout.write(`${change.action.padEnd(9)} ${change.kind} ${change.name}${change.fields ? ` (${change.fields.join(', ')})` : ''}${change.note ? `: ${change.note}` : ''}\n`);
      }
      for (const secret of report.newSecrets) process.stdout.write(`New secret for ${secret.clientId} (shown once): ${secret.clientSecret}\n`);
      const changed = report.changes.filter((c) => c.action !== 'unchanged').length;
      process.stdout.write(report.dryRun ? `Dry run: ${changed} change(s) would be made; nothing was changed.\n` : `${changed} change(s) made.\n`);
    });
  },
};

export const backupVerbs: Record<string, Verb> = {
  'backup create': backupCreate,
  'backup restore': backupRestore,
  'backup verify': backupVerify,
  'backup list': backupList,
  'config export': configExport,
  'config import': configImport,
};
