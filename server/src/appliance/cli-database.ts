// The database of a Gatehouse, for command-line verbs: found through its data dir, like the server finds it.
// While `gatehouse serve` runs, verbs connect to its PostgreSQL; when it does not, they start the embedded
// cluster themselves (holding the data dir lock, so no server starts meanwhile) and stop it afterwards.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { choosePublicUrl } from './public-url.ts';
import { savedPublicUrl } from '../admin/settings/public-url.ts';
import { savedLanPreferences, withLanPreferences } from '../lan/preferences.ts';
import { pino } from 'pino';
import { ApplianceError, UsageError } from './errors.ts';
import type { Config } from './config.ts';
import { verbTarget, type VerbValues } from './verb.ts';
import { lockDataDir, type DataDirLock } from './data-dir.ts';
import { EmbeddedCluster } from '../postgres/cluster.ts';
import { closePool, connectionConfig, createPool, targetFromUrl, type DatabaseTarget } from '../db/pool.ts';
import { DATABASE_NAME, DATABASE_SUPERUSER } from './defaults.ts';
import { currentVersion, latestVersion } from '../db/migrate.ts';
import { SecretBox } from '../secrets/secret-box.ts';
import { loadMasterKey } from '../secrets/master-key.ts';

export interface CliDatabase {
  pool: pg.Pool;
  target: DatabaseTarget;
  secrets: SecretBox;
  /** The public URL the server uses (the OIDC issuer), as far as the configuration tells it. */
  publicUrl: string;
  close(): Promise<void>;
}

/**
 * Runs a verb's work on the database of the data dir its flags name (--data, --config, env), and closes it
 * afterwards whatever happens: the one way verbs reach the database.
 */
export async function withCliDatabase<T>(values: VerbValues, work: (db: CliDatabase, dataDir: string) => Promise<T>): Promise<T> {
  const { dataDir, config } = verbTarget(values);
  const db = await openCliDatabase(dataDir, config);
  try {
    return await work(db, dataDir);
  } finally {
    await db.close();
  }
}

export async function openCliDatabase(dataDir: string, config: Readonly<Config>): Promise<CliDatabase> {
  let target: DatabaseTarget;
  let cluster: EmbeddedCluster | undefined;
  let lock: DataDirLock | undefined;
  if (config.database.url) {
    target = targetFromUrl(config.database.url);
  } else {
    const passwordFile = path.join(dataDir, 'secrets', 'postgres-password');
    if (!fs.existsSync(passwordFile)) {
      throw new UsageError('no_gatehouse_here', `There is no Gatehouse in ${dataDir} yet. Start it once with "gatehouse serve --data ${dataDir}", or point --data at the right folder.`);
    }
    const port = config.postgres.tcp.enabled ? config.postgres.tcp.port : config.postgres.port;
    target = { host: dataDir, port, user: DATABASE_SUPERUSER, password: fs.readFileSync(passwordFile, 'utf8').trim(), database: DATABASE_NAME };
    if (!(await reachable(target))) {
      // No server is running: take the data dir for the length of this command.
      lock = lockDataDir(dataDir);
      cluster = new EmbeddedCluster({ dataDir, port: config.postgres.port, tcp: config.postgres.tcp, startTimeoutMs: config.postgres.startTimeoutMs, stopTimeoutMs: config.postgres.stopTimeoutMs, logger: pino({ level: 'warn' }, process.stderr) });
      try {
        await cluster.start();
      } catch (error) {
        lock.release();
        throw error;
      }
    }
  }
  const pool = createPool(target, { role: 'cli', instanceId: 'cli', max: 2, statementTimeoutMs: config.database.statementTimeoutMs });
  // An idle connection that PostgreSQL closes (e.g. when the cluster stops) must not crash the command.
  pool.on('error', () => undefined);
  const close = async () => {
    await closePool(pool);
    await cluster?.stop();
    lock?.release();
  };
  try {
    const client = await pool.connect();
    try {
      const version = await currentVersion(client);
      if (version !== latestVersion()) {
        throw new ApplianceError('schema_mismatch', `The database is at schema ${version ?? '(none)'}, and this gatehouse command needs ${latestVersion()}. Start "gatehouse serve" once (it migrates), then run the command again.`);
      }
    } finally {
      client.release();
    }
  } catch (error) {
    await close();
    throw error;
  }
  // The links verbs print (setup, password reset) use the address the server uses: with LAN mode as saved in Settings.
  const saved = await savedPublicUrl(pool).catch(() => null);
  const effective = withLanPreferences(config, await savedLanPreferences(pool).catch(() => null));
  return {
    pool,
    target,
    secrets: new SecretBox(loadMasterKey({ configured: config.secrets.masterKey, dataDir })),
    publicUrl: choosePublicUrl(effective, {
      saved,
      httpHost: config.http.host,
      httpPort: config.http.port === 0 ? 9080 : config.http.port,
      lanPort: effective.lan.enabled ? effective.lan.port : null,
    }),
    close,
  };
}

async function reachable(target: DatabaseTarget): Promise<boolean> {
  const client = new pg.Client({ ...connectionConfig(target, { role: 'cli-probe', instanceId: 'cli' }), connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    await client.end().catch(() => undefined);
    return false;
  }
}
