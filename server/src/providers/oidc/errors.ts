// Errors of the OIDC domain (the parts Gatehouse owns: clients, interactions, keys), as values with a stable
// snake_case code and the HTTP status a route would answer. Protocol errors at the OAuth endpoints are
// oidc-provider's own classes, named after their RFC codes (invalid_grant, invalid_client…).
import { HttpError } from '../../http/errors.ts';

/** Every code, with its HTTP status. The key is the code. */
export const OIDC_ERRORS = {
  invalid_client_name: 400,
  invalid_redirect_uri: 400,
  invalid_grant_types: 400,
  invalid_client_options: 400,
  /** A launch URL or logo URI that is not a web address Gatehouse can send a browser to (or show). */
  invalid_application_url: 400,
  client_name_taken: 409,
  client_not_found: 404,
  /** The interaction cookie is missing, or the sign-in request it named expired or was finished. */
  interaction_not_found: 400,
  /** The interaction waits for another step than the one asked for (consent before login…). */
  interaction_step_mismatch: 409,
  /** prompt=login or max_age asks for an authentication newer than the one offered. */
  reauthentication_required: 400,
  /** The account signing in is unknown or disabled. */
  account_unavailable: 403,
  signing_keys_busy: 503,
} as const;

export type OidcErrorCode = keyof typeof OIDC_ERRORS;

/** The input field each input error concerns, as the admin API and the forms name it (unless the error names one). */
const FIELD_OF_CODE: Partial<Record<OidcErrorCode, string>> = {
  invalid_client_name: 'name',
  client_name_taken: 'name',
  invalid_redirect_uri: 'redirectUris',
  invalid_grant_types: 'grantTypes',
};

export class OidcError extends HttpError {
  declare readonly code: OidcErrorCode;

  /** `field`: the input it concerns, e.g. "redirectUris.2"; by default the one its code concerns. */
  constructor(code: OidcErrorCode, message: string, field: string | undefined = FIELD_OF_CODE[code]) {
    super(OIDC_ERRORS[code], code, message, {}, field);
    this.name = 'OidcError';
  }
}
