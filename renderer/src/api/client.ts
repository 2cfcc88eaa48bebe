// The one way the control UI and the portal call the JSON API (/api/v1): same-origin cookies, no caching, and a
// refusal turned into an ApiError with its stable code, message and field. Every page's api/*.ts builds on this.
import { ApiError } from './flow';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  json?: unknown;
  /** A raw body (a file upload), sent with its own content type. */
  raw?: Blob;
  query?: Record<string, string | number | boolean | undefined | null>;
}

export function withQuery(url: string, query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${url}?${text}` : url;
}

export async function apiRequest<T>(method: Method, url: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.raw) {
    headers['content-type'] = options.raw.type || 'application/octet-stream';
    body = options.raw;
  }
  let response: Response;
  try {
    response = await fetch(withQuery(url, options.query), { method, headers, body, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'network_error', 'Gatehouse cannot be reached. Check your connection and try again.');
  }
  if (response.status === 204) return undefined as T;
  const payload: unknown = await response.json().catch(() => null);
  if (response.ok) return payload as T;
  const refusal = (payload ?? {}) as { error?: string; message?: string; field?: string };
  const retryAfter = Number(response.headers.get('retry-after'));
  throw new ApiError(
    response.status,
    refusal.error ?? 'unexpected_error',
    refusal.message ?? `Gatehouse answered HTTP ${response.status}. Try again.`,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
    refusal.field ?? null,
  );
}
