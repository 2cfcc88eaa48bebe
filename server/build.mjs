// Bundles the server into dist/gatehouse.mjs: one file that plain Node runs without the TypeScript loader,
// which starts faster and holds less memory. npm start runs this first; the desktop app ships the bundle.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
await build({
  entryPoints: [path.join(root, 'server', 'src', 'appliance', 'cli.ts')],
  outfile: path.join(root, 'dist', 'gatehouse.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Dependencies stay in node_modules (native parts, PostgreSQL binaries); only our code is bundled.
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
