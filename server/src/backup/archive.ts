// The backup archive format: one file, a plaintext header, then an encrypted, chunked, authenticated stream of records.
//   header  magic ‖ format (u16) ‖ length (u32) ‖ JSON (meta, argon2id parameters and salt, compression, chunk size,
//           nonce prefix, key check) ‖ SHA-256 of the preceding bytes          — archive-header.ts
//   chunks  STREAM over AES-256-GCM, AAD = the header's SHA-256, last chunk marked final — archive-chunks.ts
//   records begin / data / end of each entry, then the archive's end, deflated or not — archive-records.ts
// Keys: argon2id of the passphrase, then HKDF-SHA256 subkeys for encryption and for the header's key check — archive-key.ts
export { ArchiveError, type ArchiveErrorCode } from './archive-errors.ts';
export { readArchiveHeader, type ArchiveHeader, type ArchiveMeta, type Compression } from './archive-header.ts';
export { DEFAULT_KDF, KDF_LIMITS, deriveArchiveKey, type ArchiveKeys, type KdfParams } from './archive-key.ts';
export type { ArchiveEvent, EntryKind } from './archive-records.ts';
export { ArchiveWriter, type ArchiveWriterOptions } from './archive-writer.ts';
export { readArchive } from './archive-reader.ts';
