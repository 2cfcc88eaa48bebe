// LAN mode: the CA and server certificate (prepared at start), the HTTPS listener on the LAN (opened after the app
// listens on loopback), the mDNS advertisement, a periodic renewal check, and the status the control UI shows.
import os from 'node:os';
import type pg from 'pg';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../appliance/config.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { lanAddresses, type LanAddresses } from './addresses.ts';
import { AuthorityStore, type EnsuredAuthority } from './authority-store.ts';
import { lanUrl } from './lan-url.ts';
import { LanListener } from './listener.ts';
import { MdnsAdvertiser, mdnsPlan } from './mdns.ts';
import type { LanStatusView } from './schemas.ts';
import { ensureServerCertificate, type ServerCertificate } from './server-certificate.ts';
import type { ServerRenewal } from './renewal.ts';
import { tlsDir } from './tls-files.ts';

/** How often a running instance looks whether its certificate must be renewed (expiry, a new address). */
const REFRESH_INTERVAL_MS = 12 * 60 * 60 * 1000;
export const CA_DOWNLOAD_PATH = '/lan/ca.crt';

export interface LanServiceDeps {
  config: Config['lan'];
  pool: pg.Pool;
  secrets: SecretBox;
  dataDir: string;
  publicUrl: string;
  logger: Logger;
  /** This machine's interfaces; os.networkInterfaces by default (tests give their own). */
  networkInterfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
}

export class LanService {
  readonly enabled: boolean;
  /** lan.allowAdmin: the admin surface answers on the LAN too (listener-policy.ts). */
  readonly allowAdmin: boolean;
  /** The public URL's origin (https://<hostname>[:port] in LAN mode), which the CSRF checks compare Origin with. */
  readonly publicOrigin: string;
  private readonly authorities: AuthorityStore;
  private readonly mdns: MdnsAdvertiser;
  private authority: EnsuredAuthority | null = null;
  private certificate: ServerCertificate | null = null;
  private addresses: LanAddresses = { named: [], leftOut: [] };
  private listener: LanListener | null = null;
  private port: number | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: LanServiceDeps) {
    this.enabled = deps.config.enabled;
    this.allowAdmin = deps.config.allowAdmin;
    this.publicOrigin = new URL(deps.publicUrl).origin;
    this.authorities = new AuthorityStore({ pool: deps.pool, secrets: deps.secrets, dir: tlsDir(deps.dataDir), logger: deps.logger });
    this.mdns = new MdnsAdvertiser(deps.logger);
  }

  get hostname(): string {
    return this.deps.config.hostname;
  }

  /** At start, before listening: the CA (made on first run) and a server certificate that fits this machine now. */
  async prepare(now = new Date()): Promise<void> {
    if (!this.enabled) return;
    await this.ensureCertificates(now);
  }

  /** Opens the LAN listener on the app (after it listens on loopback), then advertises the host name. */
  async listen(app: FastifyInstance, port = this.deps.config.port): Promise<number> {
    if (!this.enabled) throw new Error('LAN mode is off');
    if (!this.certificate) await this.prepare();
    const listener = new LanListener(app, this.certificate!.material);
    const { bindAddress } = this.deps.config;
    // serve.ts reserved the port before PostgreSQL started, with a message for each way that fails.
    this.port = await listener.listen(bindAddress, port);
    this.listener = listener;
    if (mdnsPlan(this.hostname, this.deps.config.mdns) === 'advertise') this.mdns.start(this.hostname, this.port);
    this.refreshTimer = setInterval(() => {
      this.refresh().catch((error: unknown) => this.deps.logger.error({ err: error }, 'checking the LAN certificate failed'));
    }, REFRESH_INTERVAL_MS).unref();
    this.deps.logger.info({ url: this.url(), bindAddress, addresses: this.addresses.named }, 'LAN listener open');
    return this.port;
  }

  /**
   * Looks again at the CA (another instance or a restore may have changed it) and this machine's addresses; issues a
   * new server certificate when needed and hands it to the listener. Returns why it issued one, or null.
   */
  async refresh(now = new Date()): Promise<ServerRenewal | null> {
    if (!this.enabled) return null;
    await this.ensureCertificates(now);
    const issued = this.certificate!.issuedBecause;
    if (issued) this.listener?.useCertificate(this.certificate!.material);
    return issued;
  }

  /** The CA certificate in PEM (public by nature), or null while LAN mode is off. */
  authorityCertificatePem(): string | null {
    return this.authority?.material.certificatePem ?? null;
  }

  url(): string | null {
    return this.port === null ? null : lanUrl(this.hostname, this.port);
  }

  /** What the mDNS responder announces (or will, once probing ends): for status and tests. */
  advertisedRecords() {
    return this.mdns.records();
  }

  status(): LanStatusView {
    const { config } = this.deps;
    const plan = mdnsPlan(config.hostname, config.mdns);
    const authority = this.authority;
    const certificate = this.certificate;
    return {
      enabled: this.enabled,
      hostname: config.hostname,
      bindAddress: config.bindAddress,
      port: this.port,
      listening: this.listener?.listening ?? false,
      allowAdmin: this.allowAdmin,
      url: this.url(),
      addressUrls: this.port === null ? [] : this.addresses.named.map((address) => lanUrl(address.includes(':') ? `[${address}]` : address, this.port!)),
      addresses: this.addresses.named,
      leftOutAddresses: this.addresses.leftOut,
      certificateAuthority: authority && {
        subject: authority.facts.subject,
        fingerprintSha256: authority.facts.fingerprintSha256,
        fingerprintSha1: authority.facts.fingerprintSha1,
        notBefore: authority.facts.notBefore.toISOString(),
        notAfter: authority.facts.notAfter.toISOString(),
        downloadPath: CA_DOWNLOAD_PATH,
        replaced: authority.replaced ?? null,
      },
      serverCertificate: certificate && {
        dnsNames: certificate.facts.dnsNames,
        ipAddresses: certificate.facts.ipAddresses,
        notBefore: certificate.facts.notBefore.toISOString(),
        notAfter: certificate.facts.notAfter.toISOString(),
        issuedBecause: certificate.issuedBecause,
      },
      mdns: {
        state: !this.enabled ? 'off' : plan === 'advertise' ? this.mdns.state() : plan,
        message: this.mdnsMessage(plan),
      },
    };
  }

  /** Stops accepting on the LAN; resolves when its requests in flight are done. */
  async closeListener(): Promise<void> {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
    await this.listener?.close();
  }

  closeAllConnections(): void {
    this.listener?.closeAllConnections();
  }

  async stop(): Promise<void> {
    await this.mdns.stop();
    const closing = this.closeListener();
    this.closeAllConnections();
    await closing;
  }

  private async ensureCertificates(now: Date): Promise<void> {
    const authority = await this.authorities.ensure(this.hostname, now);
    // A replacement stays reported until the process ends: the admin must see that devices need the new CA.
    const replaced = authority.replaced ?? this.authority?.replaced;
    this.authority = replaced ? { ...authority, replaced } : authority;
    this.addresses = lanAddresses((this.deps.networkInterfaces ?? os.networkInterfaces)());
    const certificate = await ensureServerCertificate(
      { dir: tlsDir(this.deps.dataDir), secrets: this.deps.secrets, logger: this.deps.logger },
      authority.material,
      { hostname: this.hostname, lanAddresses: this.addresses.named },
      now,
    );
    this.certificate = certificate;
  }

  private mdnsMessage(plan: ReturnType<typeof mdnsPlan>): string | null {
    if (!this.enabled) return null;
    if (plan === 'off') return 'mDNS is off (lan.mdns: false): devices must resolve the host name through your DNS or hosts file.';
    if (plan === 'not_local') return `${this.hostname} does not end in .local, so it is not advertised over mDNS: point it at this machine in your DNS.`;
    const state = this.mdns.state();
    if (state === 'name_in_use') return `Another machine on the LAN already advertises ${this.hostname} (another Gatehouse?). Choose another host name.`;
    if (state === 'failed') return `mDNS failed: ${this.mdns.failureMessage}. Devices must resolve the host name through your DNS or hosts file.`;
    return null;
  }
}
