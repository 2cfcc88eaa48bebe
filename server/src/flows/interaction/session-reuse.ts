// When a Gatehouse session may complete a login prompt without asking the user anything.
import type { AuthenticatedSession } from '../../identity/index.ts';
import type { InteractionDetails } from '../../providers/oidc/index.ts';

/** Reasons that only say the provider's own session is missing or not this Gatehouse session's (see oidc/session-link.ts). */
const SESSION_REASONS = new Set(['no_session', 'gatehouse_session']);

/**
 * Only when the provider asks for a login merely because its own session is missing or does not match the
 * Gatehouse session, and the request does not demand a fresh login: prompt=login (OIDC Core 3.1.2.1) or a
 * max_age the session's authentication is older than. Any other reason (an id_token_hint for someone else,
 * an essential acr) asks the user.
 */
export function sessionCompletesLogin(details: InteractionDetails, current: AuthenticatedSession, now = Date.now()): boolean {
  if (details.prompt.name !== 'login') return false;
  if (!details.prompt.reasons.every((reason) => SESSION_REASONS.has(reason))) return false;
  const prompts = String(details.params.prompt ?? '').split(' ');
  if (prompts.includes('login')) return false;
  const maxAge = details.params.max_age;
  if (maxAge !== undefined && maxAge !== null && maxAge !== '') {
    const seconds = Number(maxAge);
    if (!Number.isFinite(seconds) || now - current.session.authTime.getTime() > seconds * 1000) return false;
  }
  return true;
}
