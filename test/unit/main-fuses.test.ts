// The fuses the afterPack hook sets in the packaged Electron binary, tried on made-up binaries with a fuse wire.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { afterPack, electronBinaryOf } from '../../main/packaging/after-pack.ts';
import { FUSE_SENTINEL, GATEHOUSE_FUSES, readFuses, setFuses } from '../../main/packaging/fuses.ts';

/** Some bytes, a fuse wire (version, length, one byte per fuse), more bytes: how Electron's binary holds its fuses. */
function binaryWith(wire: string, { version = 1, copies = 1 } = {}): Buffer {
  const one = Buffer.concat([Buffer.from(FUSE_SENTINEL, 'ascii'), Buffer.from([version, wire.length]), Buffer.from(wire, 'ascii')]);
  return Buffer.concat([Buffer.alloc(1000, 0xcc), ...Array.from({ length: copies }, () => Buffer.concat([one, Buffer.alloc(500, 0xdd)]))]);
}

const ELECTRON_39_DEFAULTS = '10110001'; // RunAsNode on, cookie encryption off, NODE_OPTIONS on, --inspect on, …

describe('the fuses', () => {
  it('turn RunAsNode, NODE_OPTIONS, --inspect and file: privileges off; cookie encryption, asar integrity and asar-only on', () => {
    const binary = binaryWith(ELECTRON_39_DEFAULTS);
    expect(setFuses(binary)).toBe(1);
    expect(readFuses(binary)).toEqual({
      RunAsNode: false,
      EnableCookieEncryption: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      // Not Gatehouse's to set: left as Electron ships it.
      LoadBrowserProcessSpecificV8Snapshot: false,
      GrantFileProtocolExtraPrivileges: false,
    });
    expect(GATEHOUSE_FUSES).toMatchObject({ RunAsNode: false, OnlyLoadAppFromAsar: true });
  });

  it('are set in both halves of a universal macOS binary', () => {
    const binary = binaryWith(ELECTRON_39_DEFAULTS, { copies: 2 });
    expect(setFuses(binary)).toBe(2);
    const second = binary.subarray(binary.lastIndexOf(Buffer.from(FUSE_SENTINEL)));
    expect(readFuses(second).RunAsNode).toBe(false);
  });

  it('change nothing in a binary they do not understand', () => {
    for (const [binary, error] of [
      [Buffer.alloc(4000, 0xcc), /found 0/],
      [binaryWith(ELECTRON_39_DEFAULTS, { version: 2 }), /version 2/],
      [binaryWith('10110'), /no fuse OnlyLoadAppFromAsar/],
      [binaryWith('1011000r'), /GrantFileProtocolExtraPrivileges was removed/],
    ] as const) {
      const before = Buffer.from(binary);
      expect(() => setFuses(binary)).toThrow(error);
      expect(binary.equals(before)).toBe(true);
    }
  });
});

describe('the afterPack hook', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-main-fuses-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const packager = { appInfo: { productFilename: 'Gatehouse' }, executableName: 'gatehouse' };

  it('finds the binary that holds the fuses on each platform', () => {
    expect(electronBinaryOf({ appOutDir: '/out/linux-unpacked', electronPlatformName: 'linux', packager })).toBe(path.join('/out/linux-unpacked', 'gatehouse'));
    expect(electronBinaryOf({ appOutDir: '/out/win-unpacked', electronPlatformName: 'win32', packager })).toBe(path.join('/out/win-unpacked', 'Gatehouse.exe'));
    expect(electronBinaryOf({ appOutDir: '/out/mac', electronPlatformName: 'darwin', packager })).toBe(
      path.join('/out/mac', 'Gatehouse.app', 'Contents', 'Frameworks', 'Electron Framework.framework', 'Electron Framework'),
    );
  });

  it('sets the fuses in the packed app', async () => {
    fs.writeFileSync(path.join(root, 'gatehouse'), binaryWith(ELECTRON_39_DEFAULTS));
    const log = console.log;
    console.log = () => undefined;
    try {
      await afterPack({ appOutDir: root, electronPlatformName: 'linux', packager });
    } finally {
      console.log = log;
    }
    expect(readFuses(fs.readFileSync(path.join(root, 'gatehouse')))).toMatchObject({ RunAsNode: false, OnlyLoadAppFromAsar: true });
  });
});
