// The LAN listener: node's HTTPS server handing every request (and WebSocket upgrade) to the one Fastify instance
// that serves loopback, through app.routing, the same entry Fastify's own server uses. One app means one set of
// domains, hooks, OIDC provider and live hub; a second Fastify instance would mount every domain twice.
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { markLanRequest } from './lan-requests.ts';

/**
 * RFC 6797 §6.1: browsers that saw this keep to HTTPS for the host name for a year (OWASP's recommended max-age).
 * No includeSubDomains: names below the host may be other machines the admin runs without HTTPS.
 */
const STRICT_TRANSPORT_SECURITY = 'max-age=31536000';

export interface TlsMaterial {
  certificatePem: string;
  privateKeyPem: string;
}

export class LanListener {
  private readonly server: https.Server;

  constructor(app: FastifyInstance, tls: TlsMaterial) {
    this.server = https.createServer(
      {
        ...secureOptions(tls),
        // TLS 1.2 at least; node negotiates 1.3 with every client that has it (RFC 8996 retires 1.0 and 1.1).
        minVersion: 'TLSv1.2',
        ALPNProtocols: ['http/1.1'],
      },
      (request, response) => {
        markLanRequest(request);
        response.setHeader('strict-transport-security', STRICT_TRANSPORT_SECURITY);
        app.routing(request, response);
      },
    );
    // @fastify/websocket upgrades what Fastify's own server announces; LAN upgrades go the same way.
    this.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      markLanRequest(request);
      app.server.emit('upgrade', request, socket, head);
    });
    // The limits Fastify gave its own server, so both doors behave alike.
    this.server.keepAliveTimeout = app.server.keepAliveTimeout;
    this.server.requestTimeout = app.server.requestTimeout;
    this.server.headersTimeout = app.server.headersTimeout;
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host, port, exclusive: true }, () => {
        this.server.removeListener('error', reject);
        resolve((this.server.address() as { port: number }).port);
      });
    });
  }

  /** A renewed certificate: new connections get it, open ones keep theirs. */
  useCertificate(tls: TlsMaterial): void {
    this.server.setSecureContext({ ...secureOptions(tls), minVersion: 'TLSv1.2' });
  }

  get listening(): boolean {
    return this.server.listening;
  }

  /** Stops accepting; resolves when the connections in flight have ended (idle ones are closed at once). */
  close(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    return closed;
  }

  closeAllConnections(): void {
    this.server.closeAllConnections();
  }
}

function secureOptions(tls: TlsMaterial): { key: string; cert: string } {
  return { key: tls.privateKeyPem, cert: tls.certificatePem };
}
