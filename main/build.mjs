// Bundles the Electron main process and the preload into dist/main/ (index.cjs, preload.cjs), and electron-builder's
// afterPack hook into dist/packaging/after-pack.mjs (the packager runs it on plain Node; it is not part of the app).
// Main and preload are CommonJS: a sandboxed preload cannot be an ES module, and the main entry starts without ESM's
// asynchronous loading. `electron` stays external (Electron provides it); everything else is bundled.
// Usage: node main/build.mjs [--dist DIR]
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_DIST = path.join(root, 'dist');

/** Electron 39 runs Node 22 and Chromium 142. */
const ELECTRON_NODE = 'node22';
const ELECTRON_CHROME = 'chrome142';

/** Builds the three bundles under `dist`; returns esbuild's metafiles (what went into each). */
export async function buildDesktopBundles(dist = DEFAULT_DIST) {
  /** @type {import('esbuild').BuildOptions} */
  const common = { bundle: true, external: ['electron'], sourcemap: 'linked', logLevel: 'warning', metafile: true };
  const built = await Promise.all([
    build({ ...common, format: 'cjs', entryPoints: [path.join(root, 'main', 'src', 'edge', 'main.ts')], outfile: path.join(dist, 'main', 'index.cjs'), platform: 'node', target: ELECTRON_NODE }),
    // A sandboxed preload has no Node modules at all, only require('electron'): built for the browser, it fails here, not at run time.
    build({ ...common, format: 'cjs', entryPoints: [path.join(root, 'main', 'preload', 'index.ts')], outfile: path.join(dist, 'main', 'preload.cjs'), platform: 'browser', target: ELECTRON_CHROME }),
    build({ ...common, format: 'esm', entryPoints: [path.join(root, 'main', 'packaging', 'after-pack.ts')], outfile: path.join(dist, 'packaging', 'after-pack.mjs'), platform: 'node', target: 'node20', sourcemap: false }),
  ]);
  const [main, preload, afterPack] = built.map((result) => /** @type {import('esbuild').Metafile} */ (result.metafile));
  return { main, preload, afterPack };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const flag = process.argv.indexOf('--dist');
  await buildDesktopBundles(flag === -1 ? DEFAULT_DIST : path.resolve(process.argv[flag + 1] ?? ''));
}
