// The backup domain's SQL: runs (backup_runs), the schedule setting (settings), and events.
import type pg from 'pg';
import type { BackupRun, RunKind, RunTrigger } from './schemas.ts';
import type { Progress } from './progress.ts';
import { recordEvent, type EventActor, type EventTarget } from '../admin/audit.ts';

export type { EventActor } from '../admin/audit.ts';

type Queryable = Pick<pg.Pool, 'query'>;

type RunRow = {
  id: string; kind: RunKind; trigger: RunTrigger; status: BackupRun['status']; phase: string; rows_done: string; rows_total: string | null;
  bytes_done: string; file: string | null; error: string | null; started_by: string | null; started_at: Date; finished_at: Date | null;
};

const RUN_COLUMNS = 'id, kind, trigger, status, phase, rows_done, rows_total, bytes_done, file, error, started_by, started_at, finished_at';

function toRun(row: RunRow): BackupRun {
  return {
    id: row.id, kind: row.kind, trigger: row.trigger, status: row.status, phase: row.phase,
    rowsDone: Number(row.rows_done), rowsTotal: row.rows_total === null ? null : Number(row.rows_total), bytesDone: Number(row.bytes_done),
    file: row.file, error: row.error, startedBy: row.started_by, startedAt: row.started_at.toISOString(), finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

export class BackupRepo {
  constructor(private readonly db: Queryable) {}

  async insertRun(run: { kind: RunKind; trigger: RunTrigger; file: string; startedBy: string; instanceId: string }): Promise<BackupRun> {
    const { rows } = await this.db.query<RunRow>(
      `INSERT INTO backup_runs (kind, trigger, file, started_by, instance_id) VALUES ($1, $2, $3, $4, $5) RETURNING ${RUN_COLUMNS}`,
      [run.kind, run.trigger, run.file, run.startedBy, run.instanceId],
    );
    return toRun(rows[0]!);
  }

  /** Progress and heartbeat of a running run (primary key). */
  async recordProgress(runId: string, progress: Readonly<Progress>): Promise<void> {
    await this.db.query(
      `UPDATE backup_runs SET phase = $2, rows_done = $3, rows_total = $4, bytes_done = $5, heartbeat_at = now() WHERE id = $1 AND status = 'running'`,
      [runId, progress.phase, progress.rowsDone, progress.rowsTotal, progress.bytesDone],
    );
  }

  /**
   * How a run ended. Written as an upsert: a restore replaced backup_runs with the backup's copy, which does not
   * hold the restore's own run, so it is written again.
   */
  async finishRun(run: BackupRun, end: { status: 'succeeded' | 'failed'; phase: string; progress: Readonly<Progress> | null; error: string | null; instanceId: string }): Promise<void> {
    await this.db.query(
      `INSERT INTO backup_runs (id, kind, trigger, file, started_by, instance_id, started_at, status, phase, rows_done, rows_total, bytes_done, error, finished_at)
       VALUES ($1, $8, $9, $10, $11, $12, $13, $2, $3, $4, $5, $6, $7, now())
       ON CONFLICT (id) DO UPDATE SET status = $2, phase = $3, rows_done = $4, rows_total = $5, bytes_done = $6, error = $7, finished_at = now(), heartbeat_at = now()`,
      [
        run.id, end.status, end.phase, end.progress?.rowsDone ?? 0, end.progress?.rowsTotal ?? null, end.progress?.bytesDone ?? 0, end.error,
        run.kind, run.trigger, run.file, run.startedBy, end.instanceId, run.startedAt,
      ],
    );
  }

  async findRun(id: string): Promise<BackupRun | null> {
    const { rows } = await this.db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM backup_runs WHERE id = $1`, [id]);
    return rows[0] ? toRun(rows[0]) : null;
  }

  /** Newest first (index backup_runs_started_at). */
  async listRuns(limit: number): Promise<BackupRun[]> {
    const { rows } = await this.db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM backup_runs ORDER BY started_at DESC LIMIT $1`, [limit]);
    return rows.map(toRun);
  }

  async lastScheduledRun(): Promise<BackupRun | null> {
    const { rows } = await this.db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM backup_runs WHERE trigger = 'schedule' ORDER BY started_at DESC LIMIT 1`);
    return rows[0] ? toRun(rows[0]) : null;
  }

  /** Marks failed the running runs whose instance stopped writing a heartbeat (it died). */
  async failStaleRuns(staleAfterSeconds: number, message: string): Promise<void> {
    await this.db.query(
      `UPDATE backup_runs SET status = 'failed', finished_at = now(), error = $2 WHERE status = 'running' AND heartbeat_at < now() - make_interval(secs => $1)`,
      [staleAfterSeconds, message],
    );
  }

  /** A setting's value, or null when never set (primary key). */
  async readSetting<T>(key: string): Promise<T | null> {
    const { rows } = await this.db.query<{ value: T }>('SELECT value FROM settings WHERE key = $1', [key]);
    return rows[0]?.value ?? null;
  }

  async writeSetting(key: string, value: unknown): Promise<void> {
    await this.db.query(`INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2, updated_at = now()`, [key, JSON.stringify(value)]);
  }

  /** Merges fields into a setting's JSON value. */
  async mergeSetting(key: string, fields: Record<string, unknown>): Promise<void> {
    await this.db.query(`UPDATE settings SET value = value || $2::jsonb, updated_at = now() WHERE key = $1`, [key, JSON.stringify(fields)]);
  }

  /** Since when a scheduled run is looked for: the last scheduled run's start, or when the schedule was saved. */
  async scheduleSince(settingKey: string): Promise<Date | null> {
    const { rows } = await this.db.query<{ since: Date | null }>(
      `SELECT greatest((SELECT max(started_at) FROM backup_runs WHERE trigger = 'schedule'), (SELECT updated_at FROM settings WHERE key = $1)) AS since`,
      [settingKey],
    );
    return rows[0]?.since ?? null;
  }

  /** One event, announced to every control UI (admin/audit.ts). */
  async insertEvent(type: string, by: EventActor, target: EventTarget, data: Record<string, unknown>): Promise<void> {
    await recordEvent(this.db, { type, by, target, data });
  }
}
