import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The console's build (scripts/build-console.ts runs it): served by the API under /console/, hashed assets under
 * /console/assets/ (cached for a year), every page but the first loaded on demand.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [react()],
  resolve: {
    // The pe: moddle descriptor the API's BPMN import and export read: the editor loads the very same file into bpmn-js.
    alias: { '@pe/moddle': fileURLToPath(new URL('../definitions/bpmn/pe.json', import.meta.url)) },
  },
  build: {
    outDir: '../dist/console',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
