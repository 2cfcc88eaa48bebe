// GET /lan/ca.crt — the LAN CA's certificate, for devices to install (docs/lan.md). Public: a CA certificate holds no
// secret, and a device that does not trust Gatehouse yet has no way to sign in. PEM, which every OS accepts in a .crt.
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../../http/errors.ts';
import { CA_DOWNLOAD_PATH, type LanService } from '../service.ts';

export function caCertificateRoute(app: FastifyInstance, service: LanService): void {
  app.get(CA_DOWNLOAD_PATH, async (_request, reply) => {
    const pem = service.authorityCertificatePem();
    if (pem === null) throw new HttpError(404, 'lan_off', 'LAN mode is off, so there is no LAN CA certificate. Turn LAN mode on (lan.enabled), then download it again.');
    return reply
      // RFC 2585 §4.1 names application/pkix-cert; browsers offer to install application/x-x509-ca-cert as a CA.
      .header('content-type', 'application/x-x509-ca-cert')
      .header('content-disposition', `attachment; filename="${service.hostname}-ca.crt"`)
      .header('cache-control', 'no-cache')
      .send(pem);
  });
}
