// Typed reads of the server's health endpoints, for the control UI's status view.

export interface ReadinessCheck {
  ok: boolean;
  detail?: string;
}

export interface Readiness {
  status: 'ready' | 'not_ready';
  checks: Record<'database' | 'migrations' | 'jobs' | 'bus', ReadinessCheck>;
}

export async function fetchReadiness(baseUrl: string, signal?: AbortSignal): Promise<Readiness> {
  const response = await fetch(new URL('/readyz', baseUrl), { signal, headers: { accept: 'application/json' } });
  if (response.status !== 200 && response.status !== 503) throw new Error(`readiness check answered HTTP ${response.status}`);
  return (await response.json()) as Readiness;
}

/** The parts that are not ready, with what they report, for a status line. */
export function notReadyParts(readiness: Readiness): string[] {
  return Object.entries(readiness.checks)
    .filter(([, check]) => !check.ok)
    .map(([name, check]) => (check.detail ? `${name}: ${check.detail}` : name));
}
