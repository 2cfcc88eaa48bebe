// Electron's fuses: switches compiled into the Electron binary that no command-line flag or environment variable can flip back.
// The afterPack hook (after-pack.ts) sets them in the packaged binary. electron-builder 25 has no `electronFuses` option
// (26 has, and needs Node 22) and @electron/fuses is not a dependency; the fuse wire is a small versioned byte layout:
// a sentinel, a version byte, a length byte, then one byte per fuse ('0' off, '1' on, 'r' removed).

export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
export const FUSE_WIRE_VERSION = 1;
const FUSE_OFF = 0x30;
const FUSE_ON = 0x31;
const FUSE_REMOVED = 0x72;

/** The fuses of wire version 1, in wire order (Electron's FuseV1Options). */
export const FUSE_WIRE_V1 = [
  'RunAsNode',
  'EnableCookieEncryption',
  'EnableNodeOptionsEnvironmentVariable',
  'EnableNodeCliInspectArguments',
  'EnableEmbeddedAsarIntegrityValidation',
  'OnlyLoadAppFromAsar',
  'LoadBrowserProcessSpecificV8Snapshot',
  'GrantFileProtocolExtraPrivileges',
] as const;

export type FuseName = (typeof FUSE_WIRE_V1)[number];
export type FuseSettings = Partial<Record<FuseName, boolean>>;

// Electron security checklist #19: check which fuses you can change.
export const GATEHOUSE_FUSES: FuseSettings = {
  // ELECTRON_RUN_AS_NODE would make the app a plain Node with the app's rights (and its keychain access).
  RunAsNode: false,
  // Cookies (the admin's session) encrypted at rest with the OS keychain's key.
  EnableCookieEncryption: true,
  // NODE_OPTIONS and --inspect would let anyone who can start the app run code inside it.
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  // app.asar is checked against the hash electron-builder embeds (macOS, Windows), and nothing else is loaded as the app.
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  // Electron security checklist #18: the app never loads file://, so file: pages get no extra privileges.
  GrantFileProtocolExtraPrivileges: false,
};

/**
 * Sets `settings` in every fuse wire of `binary` (two in a universal macOS binary), in place, and returns how many.
 * Fails, changing nothing, when the binary has no wire, another wire version, or a wire without a fuse to set.
 */
export function setFuses(binary: Buffer, settings: FuseSettings = GATEHOUSE_FUSES): number {
  const sentinel = Buffer.from(FUSE_SENTINEL, 'ascii');
  const wires: number[] = [];
  for (let at = binary.indexOf(sentinel); at !== -1; at = binary.indexOf(sentinel, at + 1)) wires.push(at + sentinel.length);
  if (wires.length === 0 || wires.length > 2) throw new Error(`expected one or two Electron fuse wires, found ${wires.length}: is this an Electron binary?`);
  const writes: { at: number; value: number }[] = [];
  for (const wire of wires) {
    const version = binary[wire];
    const length = binary[wire + 1] ?? 0;
    if (version !== FUSE_WIRE_VERSION) throw new Error(`the fuse wire has version ${version}; this script knows version ${FUSE_WIRE_VERSION}`);
    for (const [name, enabled] of Object.entries(settings)) {
      const index = FUSE_WIRE_V1.indexOf(name as FuseName);
      if (index === -1 || index >= length) throw new Error(`this Electron binary has no fuse ${name}`);
      if (binary[wire + 2 + index] === FUSE_REMOVED) throw new Error(`fuse ${name} was removed from this Electron`);
      writes.push({ at: wire + 2 + index, value: enabled ? FUSE_ON : FUSE_OFF });
    }
  }
  for (const { at, value } of writes) binary[at] = value;
  return wires.length;
}

/** Each fuse of the first wire in `binary`: on, off, or removed. */
export function readFuses(binary: Buffer): Partial<Record<FuseName, boolean | 'removed'>> {
  const at = binary.indexOf(Buffer.from(FUSE_SENTINEL, 'ascii'));
  if (at === -1) throw new Error('no Electron fuse wire in this binary');
  const wire = at + FUSE_SENTINEL.length;
  const length = binary[wire + 1] ?? 0;
  const fuses: Partial<Record<FuseName, boolean | 'removed'>> = {};
  FUSE_WIRE_V1.slice(0, length).forEach((name, index) => {
    const value = binary[wire + 2 + index];
    fuses[name] = value === FUSE_REMOVED ? 'removed' : value === FUSE_ON;
  });
  return fuses;
}
