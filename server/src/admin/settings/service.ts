// Settings: session lifetimes and the password policy (kept by the identity service), branding (a name and a logo
// file), and the public URL saved for the next start. Every change is recorded as settings.changed with the section
// and its value before and after; the event's bus notice is what tells every instance's open control UI.
// Nothing here is cached: each read is one primary-key lookup, so another instance's change is seen at once.
import fs from 'node:fs';
import type { AppContext } from '../../appliance/context.ts';
import { HttpError } from '../../http/errors.ts';
import type { IdentityService } from '../../identity/index.ts';
import { inTransaction } from '../../db/transaction.ts';
import { recordEvent, type EventActor } from '../audit.ts';
import { checkLogo, type LogoType } from './logo-format.ts';
import { LogoStore, type StoredLogo } from './logo-store.ts';
import { normalizePublicUrl, savedPublicUrl } from './public-url.ts';
import { BRANDING_KEY, DEFAULT_INSTANCE_NAME, PUBLIC_URL_KEY, SettingsRepo, StoredBranding, StoredPublicUrl } from './repo.ts';
import type { Branding, InstanceSettings, PasswordPolicy, SessionSettings, SettingsView } from './schemas.ts';

/** The part of the settings page a change belongs to (settings.changed data.section, and the event's target id). */
export type SettingsSection = 'sessions' | 'passwordPolicy' | 'branding' | 'instance' | 'lan';

/** Where the sign-in pages and the control UI load the logo from; the hash changes the URL with each new logo. */
export const LOGO_PATH = '/branding/logo';

const DEFAULT_BRANDING: StoredBranding = { instanceName: DEFAULT_INSTANCE_NAME, logo: null };

export interface CurrentLogo {
  bytes: Buffer;
  contentType: LogoType;
  sha256: string;
}

export class SettingsService {
  private readonly repo: SettingsRepo;
  private readonly logos: LogoStore;

  constructor(
    private readonly ctx: AppContext,
    private readonly identity: Pick<IdentityService, 'sessionSettings' | 'setSessionSettings' | 'passwordPolicy' | 'setPasswordPolicy'>,
  ) {
    this.repo = new SettingsRepo(ctx.platform.pool);
    this.logos = new LogoStore(ctx.dataDir);
  }

  async view(): Promise<SettingsView> {
    const [sessions, passwordPolicy, branding, instance] = await Promise.all([this.identity.sessionSettings(), this.identity.passwordPolicy(), this.branding(), this.instance()]);
    return { sessions, passwordPolicy, branding, instance };
  }

  /** Applies to sessions made from now on. The identity service refuses an idle lifetime above the absolute one. */
  async setSessions(value: SessionSettings, by: EventActor): Promise<SessionSettings> {
    const before = await this.identity.sessionSettings();
    const after = await this.identity.setSessionSettings(value);
    await this.recordChange('sessions', before, after, by);
    return after;
  }

  async setPasswordPolicy(value: PasswordPolicy, by: EventActor): Promise<PasswordPolicy> {
    const before = await this.identity.passwordPolicy();
    const after = await this.identity.setPasswordPolicy(value);
    await this.recordChange('passwordPolicy', before, after, by);
    return after;
  }

  async branding(): Promise<Branding> {
    return brandingView(await this.storedBranding(this.repo));
  }

  async setInstanceName(instanceName: string, by: EventActor): Promise<Branding> {
    const name = instanceName.trim();
    if (name === '') throw new HttpError(400, 'invalid_instance_name', 'Give the instance a name (it is shown on the sign-in pages).', {}, 'instanceName');
    const { after } = await this.changeBranding(by, (before) => ({ ...before, instanceName: name }));
    return brandingView(after);
  }

  /** Checks the image, stores it as a file, and points the branding at it; the previous logo file is removed. */
  async setLogo(bytes: Buffer, contentType: LogoType, by: EventActor): Promise<Branding> {
    checkLogo(bytes, contentType);
    const upload: { logo?: StoredLogo } = {};
    try {
      // Written while the branding lock is held, so two uploads at once cannot remove each other's file.
      const { before, after } = await this.changeBranding(by, (current) => ({ ...current, logo: (upload.logo = this.logos.write(bytes, contentType)) }));
      if (before.logo && before.logo.file !== after.logo?.file) this.removeQuietly(before.logo.file);
      return brandingView(after);
    } catch (error) {
      // Not saved: the new file goes, unless it is the very logo already in use (the same image uploaded again).
      if (upload.logo) {
        const current = await this.storedBranding(this.repo).catch(() => null);
        if (current && current.logo?.file !== upload.logo.file) this.removeQuietly(upload.logo.file);
      }
      throw error;
    }
  }

  async deleteLogo(by: EventActor): Promise<Branding> {
    const { before, after } = await this.changeBranding(by, (current) => ({ ...current, logo: null }));
    if (before.logo) this.removeQuietly(before.logo.file);
    return brandingView(after);
  }

  /** The logo to serve, when one was uploaded and its file is here (at most LOGO_MAX_BYTES, read whole). */
  async currentLogo(): Promise<CurrentLogo | null> {
    const { logo } = await this.storedBranding(this.repo);
    if (!logo) return null;
    try {
      return { bytes: await fs.promises.readFile(this.logos.pathOf(logo.file)), contentType: logo.contentType, sha256: logo.sha256 };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // Another instance with its own data dir took the upload, or the media folder was emptied by hand.
      this.ctx.logger.warn({ file: logo.file }, 'the branding logo file is missing from the media folder; upload the logo again');
      return null;
    }
  }

  async instance(): Promise<InstanceSettings> {
    const saved = await savedPublicUrl(this.ctx.platform.pool);
    const setByConfig = this.ctx.config.http.publicUrl !== undefined;
    return {
      publicUrl: this.ctx.publicUrl,
      savedPublicUrl: saved,
      setByConfig,
      restartNeeded: !setByConfig && saved !== null && saved !== this.ctx.publicUrl,
    };
  }

  /** Saved for the next start (serve.ts reads it); this process keeps the address it started with. */
  async setPublicUrl(publicUrl: string, by: EventActor): Promise<InstanceSettings> {
    const normalized = normalizePublicUrl(publicUrl);
    checkPublicUrl(normalized);
    await inTransaction(this.ctx.platform.pool, async (client) => {
      const repo = new SettingsRepo(client);
      await repo.lock(PUBLIC_URL_KEY);
      const before = (await repo.read(PUBLIC_URL_KEY, StoredPublicUrl))?.publicUrl ?? null;
      if (before === normalized) return;
      await repo.save(PUBLIC_URL_KEY, { publicUrl: normalized } satisfies StoredPublicUrl);
      await recordEvent(client, settingsChanged('instance', { publicUrl: before }, { publicUrl: normalized }, by));
    });
    return this.instance();
  }

  private async storedBranding(repo: SettingsRepo): Promise<StoredBranding> {
    return (await repo.read(BRANDING_KEY, StoredBranding)) ?? DEFAULT_BRANDING;
  }

  /** One change of the branding setting, under its lock, with its event; no event when nothing changed. */
  private async changeBranding(by: EventActor, change: (before: StoredBranding) => StoredBranding): Promise<{ before: StoredBranding; after: StoredBranding }> {
    return inTransaction(this.ctx.platform.pool, async (client) => {
      const repo = new SettingsRepo(client);
      await repo.lock(BRANDING_KEY);
      const before = await this.storedBranding(repo);
      const after = change(before);
      if (JSON.stringify(brandingEventView(before)) !== JSON.stringify(brandingEventView(after))) {
        await repo.save(BRANDING_KEY, after);
        await recordEvent(client, settingsChanged('branding', brandingEventView(before), brandingEventView(after), by));
      }
      return { before, after };
    });
  }

  private async recordChange(section: SettingsSection, before: unknown, after: unknown, by: EventActor): Promise<void> {
    if (JSON.stringify(before) === JSON.stringify(after)) return;
    await recordEvent(this.ctx.platform.pool, settingsChanged(section, before, after, by));
  }

  private removeQuietly(file: string): void {
    try {
      this.logos.remove(file);
    } catch (error) {
      this.ctx.logger.warn({ err: error, file }, 'could not remove a replaced logo file');
    }
  }
}

/** The settings.changed event of one section (the LAN section's is written by server/src/lan/preferences.ts). */
export function settingsChanged(section: SettingsSection, before: unknown, after: unknown, by: EventActor) {
  return { type: 'settings.changed', by, target: { type: 'settings', id: section, label: section }, data: { section, before, after } };
}

function brandingView(stored: StoredBranding): Branding {
  return { instanceName: stored.instanceName, logoUrl: stored.logo ? `${LOGO_PATH}?v=${stored.logo.sha256.slice(0, 16)}` : null };
}

/** What the event log keeps of the branding: the logo's type, size and hash, not where the file lies. */
function brandingEventView(stored: StoredBranding) {
  return { instanceName: stored.instanceName, logo: stored.logo ? { contentType: stored.logo.contentType, bytes: stored.logo.bytes, sha256: stored.logo.sha256 } : null };
}

function checkPublicUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new HttpError(400, 'invalid_public_url', `"${url}" is not an address. Write it like https://id.example.lan or http://192.168.1.5:9080.`, {}, 'publicUrl');
  }
  if (parsed.username || parsed.password) {
    throw new HttpError(400, 'invalid_public_url', 'The public URL must not contain a user name or password.', {}, 'publicUrl');
  }
}

/** One service per app, shared by the guarded settings routes and the public branding routes. */
const services = new WeakMap<object, SettingsService>();

export function settingsServiceOf(deps: { ctx: AppContext; identity: IdentityService }): SettingsService {
  let service = services.get(deps.ctx);
  if (!service) {
    service = new SettingsService(deps.ctx, deps.identity);
    services.set(deps.ctx, service);
  }
  return service;
}
