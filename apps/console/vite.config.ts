import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Served by the admin app at /admin/console (behind its login, whose cookie is Path=/admin), under a strict CSP:
// every script and style is a file of its own, nothing inline.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/admin/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Small images and fonts stay files: img-src allows data: but font-src does not.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1024,
  },
});
