import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// `vite` serves the sources and forwards the API to a running product (PORT 3000 unless
// SUBTRACK_URL says otherwise), so the page and the API share one origin as in production.
const target = process.env['SUBTRACK_URL'] ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [preact()],
  // The domain's pure functions (day boundaries, the postback template) are bundled from their
  // ES sources, so only what the pages call is shipped, not the package's CommonJS build.
  resolve: {
    alias: { '@subtrack/domain': fileURLToPath(new URL('../../libs/domain/src/index.ts', import.meta.url)) },
  },
  build: { outDir: 'dist', emptyOutDir: true, assetsDir: 'assets', target: 'es2022' },
  server: { proxy: { '/api': { target, changeOrigin: true } } },
});
