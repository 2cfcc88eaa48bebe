// What a username, email, display name, group name and password may be: one rule each, used by the service,
// the CLI, and (as JSON schemas) by any route that takes them. The migration's CHECK constraints say the same.
import { IdentityError } from './errors.ts';

// Same patterns as the CHECK constraints in 20261128100000_identity.sql.
export const USERNAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$';
export const GROUP_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$';
export const EMAIL_PATTERN = '^[^@\\s]+@[^@\\s]+$';
export const EMAIL_MAX_LENGTH = 254;
export const DISPLAY_NAME_MAX_LENGTH = 200;
export const GROUP_DESCRIPTION_MAX_LENGTH = 500;

/** Length limits, in characters (Unicode code points, after NFKC normalization). NIST SP 800-63B §5.1.1.2. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 1024;

/** JSON schemas for request bodies that carry these values (the login flow, later the admin API). */
export const usernameSchema = { type: 'string', pattern: USERNAME_PATTERN, maxLength: 64 } as const;
export const emailSchema = { type: 'string', pattern: EMAIL_PATTERN, maxLength: EMAIL_MAX_LENGTH } as const;
/** Username or email, as typed on a login page: only bounded here; unknown ones simply find no user. */
export const loginSchema = { type: 'string', minLength: 1, maxLength: EMAIL_MAX_LENGTH } as const;
/** Bounded loosely (a code point can take two UTF-16 units); checkPasswordPolicy says what exactly is wrong. */
export const passwordSchema = { type: 'string', minLength: 1, maxLength: PASSWORD_MAX_LENGTH * 2 } as const;

const username = new RegExp(USERNAME_PATTERN);
const groupName = new RegExp(GROUP_NAME_PATTERN);
const email = new RegExp(EMAIL_PATTERN);

export function checkUsername(value: string): void {
  if (!username.test(value)) {
    throw new IdentityError('invalid_username', 'A username is 1 to 64 letters, digits, dots, dashes, underscores or @, and starts with a letter or digit.');
  }
}

export function checkEmail(value: string): void {
  if (value.length > EMAIL_MAX_LENGTH || !email.test(value)) throw new IdentityError('invalid_email', `"${value}" is not an email address.`);
}

export function checkDisplayName(value: string): void {
  if (value.trim() === '' || value.length > DISPLAY_NAME_MAX_LENGTH) {
    throw new IdentityError('invalid_display_name', `A display name is 1 to ${DISPLAY_NAME_MAX_LENGTH} characters.`);
  }
}

export function checkGroupName(value: string): void {
  if (!groupName.test(value)) {
    throw new IdentityError('invalid_group_name', 'A group name is 1 to 64 letters, digits, spaces, dots, dashes or underscores, and starts with a letter or digit.');
  }
}

export function checkGroupDescription(value: string): void {
  if (value.length > GROUP_DESCRIPTION_MAX_LENGTH) {
    throw new IdentityError('invalid_description', `A group description is at most ${GROUP_DESCRIPTION_MAX_LENGTH} characters.`);
  }
}
