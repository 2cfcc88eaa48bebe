// Every backed-up table's row count and the SHA-256 of its COPY text, read in one snapshot. Computed here on its
// own, not with the backup code's checksumTable, so a round-trip test does not trust what it tests.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { listTables, useStableOutput } from '../../server/src/backup/catalog.ts';

export type TableChecksums = Record<string, { rows: number; sha256: string }>;

export async function tableChecksums(db: pg.Pool | pg.Client): Promise<TableChecksums> {
  const client = 'totalCount' in db ? await db.connect() : db;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await useStableOutput(client);
    const result: TableChecksums = {};
    for (const table of await listTables(client)) {
      const hash = createHash('sha256');
      let rows = 0;
      const columns = table.columns.map((c) => `"${c.replace(/"/g, '""')}"`).join(', ');
      for await (const chunk of client.query(copyTo(`COPY "${table.name}" (${columns}) TO STDOUT`)) as AsyncIterable<Buffer>) {
        hash.update(chunk);
        for (const byte of chunk) if (byte === 10) rows++;
      }
      result[table.name] = { rows, sha256: hash.digest('hex') };
    }
    await client.query('COMMIT');
    return result;
  } finally {
    if (client !== db) (client as pg.PoolClient).release();
  }
}
