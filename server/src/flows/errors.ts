// Errors of the login and setup flows: values with a stable snake_case code, the HTTP status, and words a person
// can act on. They are HttpErrors, so the shared handler gives them the one error shape.
import { HttpError } from '../http/errors.ts';

/** Every code, with its HTTP status and message. The key is the code; the pages match on it. */
export const FLOW_ERRORS = {
  // Unknown user, wrong password and disabled user: one message, so it tells nobody which it was.
  invalid_credentials: [400, 'The username or password is incorrect.'],
  login_required: [400, 'Enter your username or email address.'],
  too_many_attempts: [429, 'Too many sign-in attempts. Wait a moment, then try again.'],
  cross_site_request: [403, 'This request did not come from a Gatehouse page, so it was refused. Open the page again and retry.'],
  csrf_token_invalid: [403, 'This page is out of date. Reload it and try again.'],
  flow_not_found: [404, 'This sign-in has expired or was never started here. Go back to the app and sign in again.'],
  wrong_step: [409, 'This sign-in has moved on (perhaps in another tab). Reload the page to see where it stands.'],
  session_not_usable: [409, 'Your Gatehouse session cannot be used for this sign-in. Sign in with your password.'],
  setup_closed: [410, 'Gatehouse is already set up: an admin account exists. Sign in instead.'],
  setup_link_invalid: [403, 'This setup link is not valid or has expired. Restart Gatehouse to get a new link, which it prints when it is ready.'],
  not_signed_in: [401, 'You are not signed in.'],
} as const satisfies Record<string, readonly [number, string]>;

export type FlowErrorCode = keyof typeof FLOW_ERRORS;

export class FlowError extends HttpError {
  declare readonly code: FlowErrorCode;

  constructor(code: FlowErrorCode, message: string = FLOW_ERRORS[code][1]) {
    super(FLOW_ERRORS[code][0], code, message);
    this.name = 'FlowError';
  }
}

/** A 429 that says when to come back (RFC 9110 §10.2.3 Retry-After, in seconds). */
export class TooManyAttempts extends FlowError {
  constructor(readonly retryAfterSeconds: number) {
    super('too_many_attempts', `Too many sign-in attempts. Try again in ${describeWait(retryAfterSeconds)}.`);
  }
}

function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
