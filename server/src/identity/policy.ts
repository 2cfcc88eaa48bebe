// Session lifetimes and the password policy: settings an admin changes at run time, kept in the settings table.
// Every login and every password reads them, so each process keeps a copy; a change is announced on the bus in the
// same statement that saves it, and every instance (this one too) drops its copy. The copy is not trusted while the
// bus is not listening, and is dropped after a gap (a reconnect, a restore), as the platform cache does.
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import type { Bus } from '../platform/bus.ts';
import { channelOfTopic } from '../platform/bus.ts';
import { PasswordPolicy, SessionSettings } from '../admin/settings/schemas.ts';
import { IdentityError } from './errors.ts';
import type { Queryable } from './repo.ts';
import { DEFAULT_PASSWORD_POLICY } from './passwords.ts';
import { DEFAULT_SESSION_SETTINGS } from './sessions.ts';

export const SESSION_SETTINGS_KEY = 'identity.sessions';
export const PASSWORD_POLICY_KEY = 'identity.password_policy';

/** Announced (with the key) whenever one of these settings is saved. */
export const IDENTITY_SETTINGS_TOPIC = 'identity.settings';

// Primary key of settings.
const READ_SETTING = { name: 'identity_read_setting', text: 'SELECT value FROM settings WHERE key = $1' };

// Saved and announced in one statement (delivered at commit). Envelope of platform/bus.ts, origin "db": no process
// skips it as its own, so the instance that saved it drops its copy too.
const SAVE_SETTING = `
  WITH saved AS (
    INSERT INTO settings (key, value) VALUES ($1, $2::jsonb)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()
    RETURNING key
  )
  SELECT pg_notify($3, json_build_object('o', 'db', 'm', json_build_object('key', key))::text) FROM saved`;

const SETTINGS_CHANNEL = channelOfTopic(IDENTITY_SETTINGS_TOPIC);

export type SettingsFollower = Pick<Bus, 'followChanges' | 'isListening'>;

export class IdentityPolicy {
  private readonly copies = new Map<string, unknown>();
  /** Moves on at every invalidation: a read that started before one must not store what it read. */
  private generation = 0;
  private stopFollowing: (() => void) | null = null;
  private latestSessionSettings: SessionSettings = DEFAULT_SESSION_SETTINGS;

  /** Without a bus (the CLI, a test's service), nothing is kept: every read asks the database. */
  constructor(
    private readonly db: Queryable,
    private readonly bus?: SettingsFollower,
  ) {}

  /** Follows changes from every instance; call once the platform is up. */
  start(): void {
    if (!this.bus || this.stopFollowing) return;
    this.stopFollowing = this.bus.followChanges(IDENTITY_SETTINGS_TOPIC, () => this.forget(), () => this.forget());
  }

  stop(): void {
    this.stopFollowing?.();
    this.stopFollowing = null;
    this.forget();
  }

  async sessionSettings(): Promise<SessionSettings> {
    this.latestSessionSettings = await this.read(SESSION_SETTINGS_KEY, SessionSettings, DEFAULT_SESSION_SETTINGS);
    return this.latestSessionSettings;
  }

  /** The lifetimes last read, without waiting (a Set-Cookie's Max-Age right after a session was made). */
  lastSessionSettings(): SessionSettings {
    return this.latestSessionSettings;
  }

  passwordPolicy(): Promise<PasswordPolicy> {
    return this.read(PASSWORD_POLICY_KEY, PasswordPolicy, DEFAULT_PASSWORD_POLICY);
  }

  /** Applies to sessions made from now on. Throws invalid_session_settings. */
  async setSessionSettings(value: SessionSettings): Promise<SessionSettings> {
    const settings = checked<SessionSettings>(SessionSettings, value, 'invalid_session_settings', 'Session lifetimes are whole numbers: 1 to 2160 hours, and 5 to 129600 minutes idle.');
    if (settings.idleLifetimeMinutes > settings.absoluteLifetimeHours * 60) {
      throw new IdentityError(
        'invalid_session_settings',
        `A session cannot stay idle longer than it may last at all: make the idle lifetime at most ${settings.absoluteLifetimeHours * 60} minutes, or the lifetime longer.`,
        'idleLifetimeMinutes',
      );
    }
    await this.save(SESSION_SETTINGS_KEY, settings);
    return settings;
  }

  /** Applies to passwords set from now on (existing ones keep working). Throws invalid_password_policy. */
  async setPasswordPolicy(value: PasswordPolicy): Promise<PasswordPolicy> {
    const policy = checked<PasswordPolicy>(PasswordPolicy, value, 'invalid_password_policy', 'A minimum password length is a whole number from 8 to 64.');
    await this.save(PASSWORD_POLICY_KEY, policy);
    return policy;
  }

  private trusted(): boolean {
    return this.stopFollowing !== null && this.bus!.isListening();
  }

  private async read<T>(key: string, schema: TSchema, fallback: Readonly<T>): Promise<T> {
    const trusted = this.trusted();
    if (trusted && this.copies.has(key)) return this.copies.get(key) as T;
    const generation = this.generation;
    const { rows } = await this.db.query<{ value: unknown }>({ ...READ_SETTING, values: [key] });
    // A stored value of another shape (written by hand, or by a later version) gives way to the default.
    const stored = rows[0]?.value;
    const merged = typeof stored === 'object' && stored !== null ? { ...fallback, ...stored } : fallback;
    const value = (Value.Check(schema, merged) ? merged : fallback) as T;
    if (trusted && generation === this.generation) this.copies.set(key, value);
    return value;
  }

  private async save(key: string, value: unknown): Promise<void> {
    await this.db.query(SAVE_SETTING, [key, JSON.stringify(value), SETTINGS_CHANNEL]);
    this.forget();
  }

  private forget(): void {
    this.generation++;
    this.copies.clear();
  }
}

/** The value with only the schema's properties, or an error naming the first field that is wrong. */
function checked<T>(schema: TSchema, value: unknown, code: 'invalid_session_settings' | 'invalid_password_policy', message: string): T {
  const error = Value.Errors(schema, value).First();
  if (error) throw new IdentityError(code, message, error.path.split('/').filter(Boolean).join('.') || undefined);
  return Value.Clean(schema, Value.Clone(value)) as T;
}
