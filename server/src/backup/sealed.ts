// Columns that hold secrets sealed with the master key (SecretBox). A restore onto an instance with another master
// key (a new machine) opens each with the backup's key and seals it again with the local one. A migration that adds
// a sealed column adds it here; test/integration/backup-restore.test.ts checks every *_sealed column is listed.
// Settings that hold a sealed value in their JSON are listed in SEALED_SETTINGS.

export interface SealedColumn {
  table: string;
  /** The primary key column the context is built from. */
  key: string;
  column: string;
  /** The SecretBox context the value was sealed with. */
  context(key: string): string;
}

export const SEALED_COLUMNS: readonly SealedColumn[] = [
  { table: 'oidc_signing_keys', key: 'kid', column: 'private_jwk_sealed', context: (kid) => `oidc-signing-key:${kid}` },
];

/** Sealed values inside a setting's JSON value (settings.value ->> field). */
export interface SealedSetting {
  key: string;
  field: string;
  context: string;
}

export const SEALED_SETTINGS: readonly SealedSetting[] = [
  { key: 'backup.schedule', field: 'passphraseSealed', context: 'backup-schedule-passphrase' },
  // The LAN certificate authority's key (server/src/lan/authority-store.ts): a restore onto a new machine keeps the
  // CA that the team's devices already trust.
  { key: 'lan.ca', field: 'privateKeySealed', context: 'lan-ca-private-key' },
];
