// Keeps this instance's provider on the current signing keys: maintains the keys under the advisory lock at
// start and every hour (one instance does the work, the others find it done), and rebuilds the provider
// whenever the key set changes — at the instants the keys change state, when another instance says so on the
// bus (topic oidc.keys), after a bus gap, and on the hourly check.
import type { Logger } from 'pino';
import type { JWK } from 'jose';
import type { Provider } from 'oidc-provider';
import type { Bus } from '../../platform/bus.ts';
import type { RawHandler } from './mount.ts';
import type { ProviderKeySet, RotationResult, SigningKeyStore } from './keys.ts';

export const KEYS_TOPIC = 'oidc.keys';
const MAINTENANCE_INTERVAL_MS = 60 * 60 * 1000;
/** A timer for the next state change fires this much after it, so the clock has surely passed it. */
const CHANGE_MARGIN_MS = 1_000;

export interface KeyRotationDeps {
  keys: SigningKeyStore;
  bus: Pick<Bus, 'subscribe' | 'onGap' | 'publish'>;
  logger: Logger;
  build(jwks: { keys: JWK[] }): Provider;
}

interface Current {
  provider: Provider;
  handler: RawHandler;
  keySet: ProviderKeySet;
}

export class KeyRotation {
  private current: Current | null = null;
  private maintenanceTimer: NodeJS.Timeout | null = null;
  private changeTimer: NodeJS.Timeout | null = null;
  private unsubscribe: Array<() => void> = [];
  private reloading: Promise<void> | null = null;
  private reloadAgain = false;
  private stopped = false;

  constructor(private readonly deps: KeyRotationDeps) {}

  provider(): Provider {
    if (!this.current) throw new Error('the OIDC provider is not started');
    return this.current.provider;
  }

  handler(): RawHandler {
    if (!this.current) throw new Error('the OIDC provider is not started');
    return this.current.handler;
  }

  states(): ProviderKeySet['states'] {
    return this.current?.keySet.states ?? [];
  }

  /** First keys (or a due rotation) under the lock, waiting for another instance that holds it; then the provider. */
  async start(): Promise<void> {
    this.unsubscribe.push(
      this.deps.bus.subscribe(KEYS_TOPIC, () => void this.reloadLogged()),
      // Messages may have been missed: the set may have changed meanwhile.
      this.deps.bus.onGap(() => void this.reloadLogged()),
    );
    await this.deps.keys.maintain();
    await this.reload();
    this.maintenanceTimer = setInterval(() => void this.maintain(), MAINTENANCE_INTERVAL_MS);
    this.maintenanceTimer.unref();
  }

  stop(): void {
    this.stopped = true;
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    this.unsubscribe = [];
    if (this.maintenanceTimer) clearInterval(this.maintenanceTimer);
    if (this.changeTimer) clearTimeout(this.changeTimer);
    this.maintenanceTimer = this.changeTimer = null;
  }

  /** Publishes successor keys now (they sign after the publication period), and tells every instance. */
  async rotateNow(): Promise<RotationResult> {
    const result = await this.deps.keys.maintain({ force: true });
    await this.changed(result);
    return result;
  }

  /** Rebuilds the provider if the key set differs from the one it was built with; calls in flight are joined. */
  async reload(): Promise<void> {
    if (this.reloading) {
      // A change may have landed after the running reload read the keys: read once more when it is done.
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      do {
        this.reloadAgain = false;
        const keySet = await this.deps.keys.providerKeySet();
        if (keySet.fingerprint !== this.current?.keySet.fingerprint) {
          const provider = this.deps.build(keySet.jwks);
          this.current = { provider, handler: provider.callback(), keySet };
          this.deps.logger.info({ keys: keySet.states }, 'OIDC signing keys loaded');
        } else if (this.current) {
          this.current.keySet = keySet;
        }
        this.scheduleChange(keySet.nextChangeAt);
      } while (this.reloadAgain);
    })().finally(() => {
      this.reloading = null;
    });
    return this.reloading;
  }

  private async maintain(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.changed(await this.deps.keys.maintain());
      await this.reload();
    } catch (error) {
      this.deps.logger.error({ err: error }, 'OIDC signing key maintenance failed; it is tried again within the hour');
    }
  }

  private async changed(result: RotationResult): Promise<void> {
    if (result.created.length === 0 && result.deleted.length === 0) return;
    this.deps.logger.info(result, 'OIDC signing keys rotated');
    await this.reload();
    await this.deps.bus.publish(KEYS_TOPIC, result);
  }

  private scheduleChange(at: Date | null): void {
    if (this.changeTimer) clearTimeout(this.changeTimer);
    this.changeTimer = null;
    if (!at) return;
    // Capped at the maintenance interval (setTimeout holds at most ~24.8 days; the hourly check covers the rest).
    const delay = Math.min(Math.max(at.getTime() - Date.now(), 0) + CHANGE_MARGIN_MS, MAINTENANCE_INTERVAL_MS);
    this.changeTimer = setTimeout(() => void this.maintain(), delay);
    this.changeTimer.unref();
  }

  private async reloadLogged(): Promise<void> {
    try {
      await this.reload();
    } catch (error) {
      this.deps.logger.error({ err: error }, 'reloading the OIDC signing keys failed');
    }
  }
}
