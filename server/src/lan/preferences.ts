// LAN mode as an admin chose it in Settings (PUT /api/v1/lan), kept in the settings table for the next start, like the
// saved public URL: LAN settings change the OIDC issuer, so they are read once, at start.
// Which value applies, field by field: the config file, environment or a flag when it gives one, else the saved one,
// else the default. serve.ts and the CLI verbs apply it with withLanPreferences.
import type pg from 'pg';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ConfigSchema, settingsGiven, withSavedSettings, type Config } from '../appliance/config.ts';
import { inTransaction } from '../db/transaction.ts';
import { recordEvent, type EventActor } from '../admin/audit.ts';
import { SettingsRepo } from '../admin/settings/repo.ts';
import { settingsChanged } from '../admin/settings/service.ts';
import { LanPreferences, type LanPreferencesView, type LanSettings } from './schemas.ts';

type Queryable = Pick<pg.Pool, 'query'>;

export const LAN_PREFERENCES_KEY = 'lan.preferences';

/** The LAN settings an admin may save, in the order they are stored and shown. */
export const LAN_PREFERENCE_FIELDS = ['enabled', 'hostname', 'port', 'allowAdmin'] as const;
type PreferenceField = (typeof LAN_PREFERENCE_FIELDS)[number];
export type LanSetByConfig = Record<PreferenceField, boolean>;

/** The config schema's defaults, for what neither the config nor a saved preference sets (of the properties: the section's own default is {}). */
const LAN_DEFAULTS = Value.Create(Type.Object(ConfigSchema.properties.lan.properties));

/** What is saved; null when nothing is (or the stored value does not have the expected shape). */
export async function savedLanPreferences(db: Queryable): Promise<LanPreferences | null> {
  return new SettingsRepo(db).read(LAN_PREFERENCES_KEY, LanPreferences);
}

/** The config with the saved preferences for the LAN settings it was not given (read once, at start). */
export function withLanPreferences(config: Readonly<Config>, saved: LanPreferences | null): Readonly<Config> {
  return withSavedSettings(config, Object.fromEntries(Object.entries(saved ?? {}).map(([field, value]) => [`lan.${field}`, value])));
}

export function lanSetByConfig(config: Readonly<Config>): LanSetByConfig {
  const given = settingsGiven(config);
  return Object.fromEntries(LAN_PREFERENCE_FIELDS.map((field) => [field, given.has(`lan.${field}`)])) as LanSetByConfig;
}

/**
 * Whether the config alone decides if the LAN listener opens and on which port. Then serve.ts checks that port before
 * PostgreSQL starts, like the HTTP port; otherwise only once the saved preferences are read.
 */
export function lanListenerSetByConfig(config: Readonly<Config>): boolean {
  const decides = lanSetByConfig(config);
  return decides.enabled && (!config.lan.enabled || decides.port);
}

/** The saved preferences in the field order, without the fields left out. */
function normalized(preferences: LanPreferences): LanPreferences {
  return Object.fromEntries(LAN_PREFERENCE_FIELDS.filter((field) => preferences[field] !== undefined).map((field) => [field, preferences[field]]));
}

export class LanPreferencesStore {
  constructor(
    private readonly deps: {
      pool: pg.Pool;
      /** The LAN settings this instance started with (the config with the preferences saved then). */
      running: Config['lan'];
      setByConfig: LanSetByConfig;
    },
  ) {}

  async view(): Promise<LanPreferencesView> {
    const saved = await savedLanPreferences(this.deps.pool);
    const nextStart = this.nextStart(saved);
    return { saved, setByConfig: this.deps.setByConfig, nextStart, restartNeeded: this.changesAtNextStart(nextStart) };
  }

  /** Saves the fields given (the others keep what was saved) and records settings.changed; nothing when nothing changes. */
  async save(change: LanPreferences, by: EventActor): Promise<void> {
    await inTransaction(this.deps.pool, async (client) => {
      const repo = new SettingsRepo(client);
      await repo.lock(LAN_PREFERENCES_KEY);
      const stored = await repo.read(LAN_PREFERENCES_KEY, LanPreferences);
      // jsonb keeps its keys in its own order: both sides in the field order, to compare and to record.
      const before = normalized(stored ?? {});
      const after = normalized({ ...before, ...change });
      if (JSON.stringify(before) === JSON.stringify(after)) return;
      await repo.save(LAN_PREFERENCES_KEY, after);
      await recordEvent(client, settingsChanged('lan', stored && before, after, by));
    });
  }

  private nextStart(saved: LanPreferences | null): LanSettings {
    const { running, setByConfig } = this.deps;
    const value = <F extends PreferenceField>(field: F): Config['lan'][F] => (setByConfig[field] ? running[field] : ((saved?.[field] as Config['lan'][F] | undefined) ?? LAN_DEFAULTS[field]));
    return { enabled: value('enabled'), hostname: value('hostname'), port: value('port'), allowAdmin: value('allowAdmin') };
  }

  /** LAN mode off now and at the next start is no change, whatever else was saved. */
  private changesAtNextStart(next: LanSettings): boolean {
    const { running } = this.deps;
    if (!running.enabled && !next.enabled) return false;
    return LAN_PREFERENCE_FIELDS.some((field) => running[field] !== next[field]);
  }
}
