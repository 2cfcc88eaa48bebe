#!/usr/bin/env node
// The `gatehouse` command. Runs the bundle in dist/ when it is newer than every source file,
// otherwise the TypeScript sources through tsx's loader (a checkout being edited).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundle = path.join(root, 'dist', 'gatehouse.mjs');

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

function bundleIsCurrent() {
  try {
    return fs.statSync(bundle).mtimeMs >= newestSource(path.join(root, 'server', 'src'));
  } catch {
    return false;
  }
}

if (bundleIsCurrent()) {
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../server/src/appliance/cli.ts');
}
