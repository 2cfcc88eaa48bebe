// The applications list's cursor: the lower-cased name of a page's last application (names are unique regardless of
// case: oidc_clients_name_lower), opaque to clients (base64url JSON), checked on the way back in.
import { HttpError } from '../../http/errors.ts';

export function encodeApplicationCursor(lowerName: string): string {
  return Buffer.from(JSON.stringify([lowerName])).toString('base64url');
}

export function decodeApplicationCursor(cursor: string): string {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = null;
  }
  if (Array.isArray(decoded) && decoded.length === 1 && typeof decoded[0] === 'string' && decoded[0].length > 0 && decoded[0].length <= 100) return decoded[0];
  throw new HttpError(400, 'invalid_cursor', 'This page link is not valid (the cursor was changed or comes from elsewhere). Start again from the first page.', {}, 'cursor');
}
