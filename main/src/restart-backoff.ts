// When a crashed server is started again: after growing delays, and not at all once it keeps crashing.
// A server that ran for a while before it crashed starts a fresh count: that is a new problem, not the same one.

export interface RestartPolicy {
  /** One delay per restart; when they run out, the shell gives up. */
  delaysMs: readonly number[];
  /** A server that was ready this long before it crashed resets the count. */
  stableAfterMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { delaysMs: [1_000, 5_000, 15_000], stableAfterMs: 60_000 };

export class RestartBackoff {
  private restarts = 0;

  constructor(private readonly policy: RestartPolicy = DEFAULT_RESTART_POLICY) {}

  /** The delay before the next start after a crash, or null to give up. `readyForMs` is 0 for a server that never got ready. */
  nextDelayMs(readyForMs: number): number | null {
    if (readyForMs >= this.policy.stableAfterMs) this.restarts = 0;
    const delay = this.policy.delaysMs[this.restarts];
    if (delay === undefined) return null;
    this.restarts++;
    return delay;
  }

  /** The restart that nextDelayMs last granted, counting from 1. */
  get attempt(): number {
    return this.restarts;
  }

  get maxAttempts(): number {
    return this.policy.delaysMs.length;
  }

  reset(): void {
    this.restarts = 0;
  }
}
