// What a logo upload must be: a PNG, JPEG or WebP file whose bytes are that format, and say so from the first byte
// to the last. The Content-Type header alone proves nothing (HTML sent as image/png), and neither does a format's
// signature alone (a PNG signature followed by HTML): the file's structure is walked to its end. SVG is never
// accepted, since it can carry script.
import zlib from 'node:zlib';
import { HttpError } from '../../http/errors.ts';
import { LOGO_MAX_BYTES, LOGO_TYPES } from './schemas.ts';

export type LogoType = (typeof LOGO_TYPES)[number];

export const LOGO_EXTENSIONS: Record<LogoType, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function logoError(status: number, code: string, message: string): HttpError {
  return new HttpError(status, code, message, {}, 'logo');
}

/** The declared type, if it is one we take ("image/png; charset=…" counts as image/png). */
export function acceptedLogoType(contentType: string | undefined): LogoType {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if ((LOGO_TYPES as readonly string[]).includes(type)) return type as LogoType;
  const svg = type === 'image/svg+xml' ? ' SVG is not accepted, because an SVG file can carry scripts.' : '';
  throw logoError(415, 'logo_type_not_allowed', `A logo must be a PNG, JPEG or WebP image.${svg} Export the logo as PNG and upload that.`);
}

/** Checks that the bytes are a whole image of the declared type; throws a 400 or 413 naming the field "logo". */
export function checkLogo(bytes: Buffer, declared: LogoType): void {
  if (bytes.length === 0) throw logoError(400, 'logo_empty', 'The upload was empty. Choose an image file.');
  if (bytes.length > LOGO_MAX_BYTES) throw logoTooLarge();
  const valid = declared === 'image/png' ? isPng(bytes) : declared === 'image/jpeg' ? isJpeg(bytes) : isWebp(bytes);
  if (!valid) {
    throw logoError(400, 'logo_not_an_image', `This file is not a valid ${LOGO_EXTENSIONS[declared].toUpperCase()} image (its contents do not match its type). Export the logo again as PNG, JPEG or WebP.`);
  }
}

export function logoTooLarge(): HttpError {
  return logoError(413, 'logo_too_large', `A logo may be at most ${LOGO_MAX_BYTES / 1024} KiB. Make it smaller (a few hundred pixels wide is plenty) and upload it again.`);
}

/** PNG (ISO/IEC 15948): the signature, then chunks with valid CRCs, IHDR first and IEND last, ending the file. */
function isPng(bytes: Buffer): boolean {
  if (bytes.length < PNG_SIGNATURE.length || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return false;
  let offset = 8;
  let first = true;
  while (offset + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const end = offset + 12 + length;
    if (!/^[A-Za-z]{4}$/.test(type) || end > bytes.length) return false;
    // The CRC covers the chunk type and data (§5.3).
    if (zlib.crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== bytes.readUInt32BE(offset + 8 + length)) return false;
    if (first && (type !== 'IHDR' || length !== 13)) return false;
    first = false;
    offset = end;
    if (type === 'IEND') return offset === bytes.length;
  }
  return false;
}

/** JPEG (ITU T.81): start of image, a marker segment after it, and end of image last (trailing zero padding allowed). */
function isJpeg(bytes: Buffer): boolean {
  if (bytes.length < 6 || bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) return false;
  let end = bytes.length;
  while (end > 2 && bytes[end - 1] === 0x00) end--;
  return bytes[end - 2] === 0xff && bytes[end - 1] === 0xd9;
}

/** WebP (RFC 9649): a RIFF container of form WEBP whose size is the file's, holding a VP8, VP8L or VP8X chunk first. */
function isWebp(bytes: Buffer): boolean {
  if (bytes.length < 20 || bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WEBP') return false;
  if (bytes.readUInt32LE(4) + 8 !== bytes.length) return false;
  return ['VP8 ', 'VP8L', 'VP8X'].includes(bytes.toString('latin1', 12, 16));
}
