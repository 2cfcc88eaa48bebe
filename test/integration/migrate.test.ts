import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { currentVersion, latestVersion, loadMigrations, migrate } from '../../server/src/db/migrate.ts';

const logger = pino({ level: 'silent' });
let db: TestDatabase;
beforeAll(async () => (db = await createTestDatabase()));
afterAll(async () => db?.drop());

describe('migrations', () => {
  it('leaves the template at the latest version, so a second run applies nothing', async () => {
    const client = await db.pool.connect();
    try {
      expect(await currentVersion(client)).toBe(latestVersion());
    } finally {
      client.release();
    }
    const result = await migrate(db.config, { lockTimeoutMs: 5_000, logger });
    expect(result.applied).toEqual([]);
  });

  it('refuses a database migrated by a newer Gatehouse and changes nothing', async () => {
    await db.pool.query(`INSERT INTO schema_migrations (version, name, checksum) VALUES ('29991231235959', 'from_the_future', 'x')`);
    try {
      await expect(migrate(db.config, { lockTimeoutMs: 5_000, logger })).rejects.toMatchObject({ code: 'schema_too_new' });
    } finally {
      await db.pool.query(`DELETE FROM schema_migrations WHERE version = '29991231235959'`);
    }
  });

  it('waits for the migration lock and gives up with a clear error after the timeout', async () => {
    const holder = await db.pool.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(hashtextextended('gatehouse:migrations', 0))`);
      await expect(migrate(db.config, { lockTimeoutMs: 300, logger })).rejects.toMatchObject({ code: 'migration_lock_timeout' });
    } finally {
      await holder.query(`SELECT pg_advisory_unlock(hashtextextended('gatehouse:migrations', 0))`);
      holder.release();
    }
  });

  it('moves a pg_trgm an operator installed elsewhere into gatehouse_ext, where a restore never drops it', async () => {
    const admin = loadMigrations().find((migration) => migration.name === 'admin')!;
    const placeExtension = /DO \$\$[\s\S]*?\$\$;/.exec(admin.sql)![0];
    const schemaOfTrgm = async () => (await db.pool.query<{ nspname: string }>(`SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'`)).rows[0]?.nspname;
    await db.pool.query('ALTER EXTENSION pg_trgm SET SCHEMA public');
    expect(await schemaOfTrgm()).toBe('public');
    await db.pool.query(placeExtension);
    expect(await schemaOfTrgm()).toBe('gatehouse_ext');
    // The trigram indexes made with it still serve a search.
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off');
      const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT id FROM groups WHERE lower(name) LIKE '%ops%'`);
      expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).toContain('groups_name_trgm');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
    // Already in place: nothing to do.
    await db.pool.query(placeExtension);
    expect(await schemaOfTrgm()).toBe('gatehouse_ext');
  });

  it('rolls back a failing migration whole and names it', async () => {
    const broken = [...loadMigrations(), { version: '29990101000000', name: 'broken', sql: 'CREATE TABLE half_done (id int); SELECT 1/0;', checksum: 'x' }];
    await expect(migrate(db.config, { lockTimeoutMs: 5_000, logger, migrations: broken })).rejects.toMatchObject({ code: 'migration_failed' });
    const { rows } = await db.pool.query(`SELECT to_regclass('half_done') AS t`);
    expect(rows[0].t).toBeNull();
  });
});
