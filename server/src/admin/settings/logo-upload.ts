// PUT /api/v1/settings/branding/logo — the logo as the raw request body (Content-Type image/png, image/jpeg or
// image/webp; at most LOGO_MAX_BYTES). Checked whole before anything is written; a refusal leaves nothing behind.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actorOf } from '../guard.ts';
import { ErrorAnswer, GUARDED_ERRORS } from '../common-schemas.ts';
import { acceptedLogoType, logoTooLarge } from './logo-format.ts';
import { Branding, LOGO_MAX_BYTES } from './schemas.ts';
import type { SettingsService } from './service.ts';

/** The body, read up to the limit: a larger one is refused as soon as it passes it, without reading the rest. */
async function readLimited(request: FastifyRequest): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > LOGO_MAX_BYTES) throw logoTooLarge();
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of request.body as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > LOGO_MAX_BYTES) throw logoTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function uploadLogoRoute(api: FastifyInstance, service: SettingsService): Promise<void> {
  // Its own plugin: only this route takes a raw body of any type (checked in the handler, with a message).
  await api.register(async (upload) => {
    upload.removeAllContentTypeParsers();
    upload.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    upload.put(
      '/api/v1/settings/branding/logo',
      {
        config: { scope: 'settings:write' },
        schema: {
          tags: ['settings'],
          summary: 'Upload the logo (raw body: image/png, image/jpeg or image/webp)',
          description: `At most ${LOGO_MAX_BYTES} bytes. The bytes must be an image of the declared type; SVG is not accepted.`,
          response: { 200: Branding, ...GUARDED_ERRORS, 413: ErrorAnswer, 415: ErrorAnswer },
        },
      },
      async (request) => {
        const contentType = acceptedLogoType(request.headers['content-type']);
        const bytes = await readLimited(request);
        return service.setLogo(bytes, contentType, actorOf(request));
      },
    );
  });
}
