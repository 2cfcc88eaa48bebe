// The settings this area owns, in the settings table (primary key): branding and the saved public URL. Session
// lifetimes and the password policy are the identity service's (identity/policy.ts).
// A change takes the setting's transaction-scoped advisory lock, so two admins saving at once are applied one after
// the other, each event's "before" being what the other left.
import type pg from 'pg';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { lockForTransaction } from '../../platform/locks.ts';
import { Nullable } from '../common-schemas.ts';
import { InstanceBody, LOGO_TYPES } from './schemas.ts';

type Queryable = Pick<pg.Pool, 'query'>;

export const BRANDING_KEY = 'branding';
export const PUBLIC_URL_KEY = 'instance.public_url';

export const DEFAULT_INSTANCE_NAME = 'Gatehouse';

/** The branding setting as stored: the name, and the logo file in the media folder (logo-store.ts). */
export const StoredBranding = Type.Object({
  instanceName: Type.String({ minLength: 1, maxLength: 60 }),
  logo: Nullable(
    Type.Object({
      file: Type.String({ pattern: '^branding/logo-[0-9a-f]{16}\\.(png|jpg|webp)$' }),
      contentType: Type.Union(LOGO_TYPES.map((type) => Type.Literal(type))),
      sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
      bytes: Type.Integer({ minimum: 1 }),
    }),
  ),
});
export type StoredBranding = Static<typeof StoredBranding>;

export const StoredPublicUrl = InstanceBody;
export type StoredPublicUrl = Static<typeof StoredPublicUrl>;

export class SettingsRepo {
  constructor(private readonly db: Queryable) {}

  /** The stored value when it has the expected shape; null when unset, or when it does not (edited by hand). */
  async read<T extends TSchema>(key: string, schema: T): Promise<Static<T> | null> {
    const { rows } = await this.db.query<{ value: unknown }>('SELECT value FROM settings WHERE key = $1', [key]);
    const value = rows[0]?.value;
    return value !== undefined && Value.Check(schema, value) ? value : null;
  }

  async save(key: string, value: unknown): Promise<void> {
    await this.db.query(
      'INSERT INTO settings (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()',
      [key, JSON.stringify(value)],
    );
  }

  /** Inside a transaction: waits for any other change of this setting to commit. */
  async lock(key: string): Promise<void> {
    await lockForTransaction(this.db as pg.ClientBase, `settings:${key}`);
  }
}
