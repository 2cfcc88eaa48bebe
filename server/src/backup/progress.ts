// Progress of a backup, verify or restore: the phase, rows and bytes so far, for a progress bar (UI) or line (CLI).
// Listeners hear at most every PROGRESS_INTERVAL_MS, and always at a phase change.

export interface Progress {
  phase: string;
  /** The table being copied, while tables are. */
  table?: string;
  rowsDone: number;
  /** An estimate before the counts are known (a backup uses the planner's); null when unknown. */
  rowsTotal: number | null;
  bytesDone: number;
}

export type ProgressListener = (progress: Readonly<Progress>) => void;

export const PROGRESS_INTERVAL_MS = 250;

export class ProgressMeter {
  private readonly state: Progress = { phase: 'starting', rowsDone: 0, rowsTotal: null, bytesDone: 0 };
  private lastReport = 0;

  constructor(private readonly listener?: ProgressListener) {}

  get current(): Readonly<Progress> {
    return this.state;
  }

  /** Changes phase or totals; a phase change is reported at once. */
  update(change: Partial<Progress>): void {
    const phaseChanged = change.phase !== undefined && change.phase !== this.state.phase;
    Object.assign(this.state, change);
    if ('table' in change && change.table === undefined) delete this.state.table;
    this.report(phaseChanged);
  }

  add(rows: number, bytes: number): void {
    this.state.rowsDone += rows;
    this.state.bytesDone += bytes;
    this.report(false);
  }

  private report(force: boolean): void {
    if (!this.listener) return;
    const now = Date.now();
    if (!force && now - this.lastReport < PROGRESS_INTERVAL_MS) return;
    this.lastReport = now;
    this.listener({ ...this.state });
  }
}

/** Rows in a chunk of COPY text output: each row ends with a newline, and newlines inside values are escaped (\n). */
export function countRows(chunk: Buffer): number {
  let rows = 0;
  for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) rows++;
  return rows;
}
