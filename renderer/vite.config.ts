// Builds the browser pages (login, consent, setup, signed-in home) into dist/renderer, which the server serves.
// Content-hashed files go to assets/ (cached for a year); index.html is the one unhashed entry.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  plugins: [react()],
  build: {
    outDir: path.join(here, '..', 'dist', 'renderer'),
    emptyOutDir: true,
    assetsDir: 'assets',
    // Every browser the pages support has modulepreload; the polyfill would only add code.
    modulePreload: { polyfill: false },
    // The pages' Content-Security-Policy takes images and fonts from our origin only, never as data: URLs.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
