// Typed calls to the flow API (server/src/flows). The answer types come from the server's own contract.
import type { ApiError as ApiErrorBody, InteractionView, SessionView, SetupDone, SetupView } from '../../../server/src/flows/schemas';

export type { ClientView, InteractionView, ScopeView, SessionView, SetupState, UserView } from '../../../server/src/flows/schemas';

/** A refusal from the API: its stable code (what the pages match on) and a message for people. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds: number | null = null,
    /** The request field the refusal concerns (e.g. "email"), so a form can show it next to that field. */
    readonly field: string | null = null,
  ) {
    super(message);
  }
}

async function call<T>(method: 'GET' | 'POST', url: string, options: { body?: unknown; csrfToken?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method === 'POST') headers['content-type'] = 'application/json';
  if (options.csrfToken) headers['x-csrf-token'] = options.csrfToken;
  let response: Response;
  try {
    response = await fetch(url, { method, headers, body: method === 'POST' ? JSON.stringify(options.body ?? {}) : undefined, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'network_error', 'Gatehouse cannot be reached. Check your connection and try again.');
  }
  const payload: unknown = await response.json().catch(() => null);
  if (response.ok) return payload as T;
  const body = (payload ?? {}) as Partial<ApiErrorBody>;
  const retryAfter = Number(response.headers.get('retry-after'));
  throw new ApiError(response.status, body.error ?? 'unexpected_error', body.message ?? `Gatehouse answered HTTP ${response.status}. Try again.`, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
}

const interactionUrl = (uid: string) => `/api/flow/interaction/${encodeURIComponent(uid)}`;

export type InteractionAction = 'identify' | 'password' | 'restart' | 'continue' | 'consent' | 'cancel';

export const flowApi = {
  interaction: (uid: string) => call<InteractionView>('GET', interactionUrl(uid)),
  act: (uid: string, action: InteractionAction, csrfToken: string, body: object = {}) =>
    call<InteractionView>('POST', `${interactionUrl(uid)}/${action}`, { body, csrfToken }),
  setupState: (token: string | null) => call<SetupView>('GET', `/api/flow/setup${token ? `?token=${encodeURIComponent(token)}` : ''}`),
  completeSetup: (body: { token: string; username: string; email: string; password: string }) => call<SetupDone>('POST', '/api/flow/setup', { body }),
  session: () => call<SessionView>('GET', '/api/flow/session'),
  signOut: () => call<SessionView>('POST', '/api/flow/session/sign-out'),
};
