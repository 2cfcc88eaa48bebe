// GET /branding/logo — the logo file, served as an inert image: its stored type (never sniffed), a CSP that lets it
// run nothing if a browser opens it as a page, and caching by content (the URL's ?v= is the file's hash).
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../../http/errors.ts';
import { ErrorAnswer } from '../common-schemas.ts';
import { LOGO_PATH, type SettingsService } from './service.ts';

const A_YEAR_SECONDS = 365 * 24 * 60 * 60;

export function logoRoute(app: FastifyInstance, service: SettingsService): void {
  app.get<{ Querystring: { v?: string } }>(
    LOGO_PATH,
    { schema: { tags: ['flow'], summary: 'The logo image (public)', querystring: { type: 'object', properties: { v: { type: 'string', maxLength: 64 } } }, response: { 404: ErrorAnswer } } },
    async (request, reply) => {
      const logo = await service.currentLogo();
      if (!logo) throw new HttpError(404, 'logo_not_found', 'No logo has been uploaded. An admin can add one in Settings → Branding.');
      const version = logo.sha256.slice(0, 16);
      const etag = `"${logo.sha256}"`;
      void reply
        .header('content-type', logo.contentType)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'")
        .header('etag', etag)
        // The versioned URL never changes content; the bare one is checked again each time (RFC 9111 §5.2.2).
        .header('cache-control', request.query.v === version ? `public, max-age=${A_YEAR_SECONDS}, immutable` : 'no-cache');
      if (request.headers['if-none-match'] === etag) return reply.status(304).send();
      return reply.send(logo.bytes);
    },
  );
}
