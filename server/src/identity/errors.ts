// Errors of the identity domain: values with a stable snake_case code and the HTTP status a route would answer.
// They are HttpErrors, so a route that lets one through gets the one error shape from the shared handler.
import { HttpError } from '../http/errors.ts';

/** Every code, with its HTTP status. The key is the code. */
export const IDENTITY_ERRORS = {
  invalid_username: 400,
  invalid_email: 400,
  invalid_display_name: 400,
  invalid_group_name: 400,
  invalid_description: 400,
  password_too_short: 400,
  password_too_long: 400,
  password_is_username: 400,
  invalid_session_settings: 400,
  invalid_password_policy: 400,
  username_taken: 409,
  email_taken: 409,
  group_taken: 409,
  user_not_found: 404,
  group_not_found: 404,
  session_not_found: 404,
  user_disabled: 403,
  /** A reset link for a disabled user could not be used: enable them first. */
  user_is_disabled: 409,
  /** The change would leave no active admin (demote, disable or delete the last one). */
  last_admin: 409,
  /** An admin disabling, demoting or deleting themselves would lock themselves out; another admin can. */
  cannot_change_self: 409,
} as const;

export type IdentityErrorCode = keyof typeof IDENTITY_ERRORS;

/** The input field each input error concerns, as the admin API and the forms name it. */
const FIELD_OF_CODE: Partial<Record<IdentityErrorCode, string>> = {
  invalid_username: 'username',
  username_taken: 'username',
  invalid_email: 'email',
  email_taken: 'email',
  invalid_display_name: 'displayName',
  invalid_group_name: 'name',
  group_taken: 'name',
  invalid_description: 'description',
  password_too_short: 'password',
  password_too_long: 'password',
  password_is_username: 'password',
};

export class IdentityError extends HttpError {
  declare readonly code: IdentityErrorCode;

  /** `field` names the request field when the code alone does not (e.g. which of two settings is wrong). */
  constructor(code: IdentityErrorCode, message: string, field: string | undefined = FIELD_OF_CODE[code]) {
    super(IDENTITY_ERRORS[code], code, message, {}, field);
    this.name = 'IdentityError';
  }

  /** True for a mistake in the input (as opposed to a conflict or something missing). */
  get isInvalidInput(): boolean {
    return this.statusCode === 400;
  }
}
