// Advertising the host name on the LAN over multicast DNS (RFC 6762) with bonjour-service: A/AAAA records for
// <hostname> (so https://gatehouse.local resolves on phones and laptops) and an _https._tcp service (RFC 6763) that
// points at it. Only .local names: any other name is the admin's own DNS's to answer (RFC 6762 §3).
import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { Bonjour, type Service } from 'bonjour-service';

export type MdnsState =
  /** lan.mdns is off. */
  | 'off'
  /** The host name does not end in .local: the admin's DNS must point it at this machine. */
  | 'not_local'
  /** Asking the LAN whether the service name is taken (RFC 6762 §8.1), before announcing. */
  | 'probing'
  | 'advertised'
  /** Another machine answers for the same name (another Gatehouse?): nothing is announced. Choose another host name. */
  | 'name_in_use'
  /** The multicast socket failed (no multicast on this network, or port 5353 refused). */
  | 'failed'
  | 'stopped';

export interface AdvertisedRecord {
  name: string;
  type: string;
  data: unknown;
}

/** Whether a host name is advertised at all; pure, for status before anything starts. */
export function mdnsPlan(hostname: string, enabled: boolean): 'advertise' | 'off' | 'not_local' {
  if (!enabled) return 'off';
  return hostname.toLowerCase().endsWith('.local') ? 'advertise' : 'not_local';
}

export class MdnsAdvertiser {
  private bonjour: Bonjour | null = null;
  private service: Service | null = null;
  private failure: string | null = null;
  private stopped = false;

  constructor(private readonly logger: Logger) {}

  start(hostname: string, port: number): void {
    // bonjour-service throws socket errors from a callback unless given one: an mDNS failure must not end Gatehouse.
    this.bonjour = new Bonjour({}, (error: Error) => this.fail(error));
    // multicast-dns emits EACCES/EADDRINUSE as 'error' on its own emitter, which bonjour-service does not listen to.
    multicastSocketOf(this.bonjour)?.on('error', (error: Error) => this.fail(error));
    this.service = this.bonjour.publish({
      // The instance name carries the host name: a second Gatehouse with the same host name finds it taken when probing.
      name: `Gatehouse ${hostname}`,
      type: 'https',
      port,
      host: hostname,
      txt: { path: '/' },
    });
    this.logger.info({ hostname, port }, 'advertising the host name over mDNS');
  }

  state(): MdnsState {
    if (this.stopped) return 'stopped';
    if (this.failure) return 'failed';
    if (!this.service) return 'stopped';
    if (this.service.published) return 'advertised';
    // bonjour-service stops a service whose name it found taken while probing.
    return this.service.activated ? 'probing' : 'name_in_use';
  }

  get failureMessage(): string | null {
    return this.failure;
  }

  /** The records announced (or to be announced once probing ends): A/AAAA for the host name, SRV, TXT, PTR. */
  records(): AdvertisedRecord[] {
    return (this.service?.records() ?? []).map(({ name, type, data }) => ({ name, type, data }));
  }

  /** Sends the goodbye (the records with TTL 0, RFC 6762 §10.1) and closes the socket. */
  async stop(): Promise<void> {
    if (this.stopped || !this.bonjour) return;
    this.stopped = true;
    const bonjour = this.bonjour;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1_000);
      bonjour.unpublishAll(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    await new Promise<void>((resolve) => {
      try {
        bonjour.destroy(() => resolve());
      } catch {
        // The socket never opened (the failure above): nothing to close.
        resolve();
      }
    });
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error.message;
    this.logger.warn({ err: { message: error.message, code: (error as NodeJS.ErrnoException).code } }, 'mDNS advertising failed; LAN devices must find Gatehouse by its address or the admin\'s DNS');
  }
}

/** bonjour-service keeps its multicast-dns instance private; reached here only to listen for its errors. */
function multicastSocketOf(bonjour: Bonjour): EventEmitter | undefined {
  return (bonjour as unknown as { server?: { mdns?: EventEmitter } }).server?.mdns;
}
