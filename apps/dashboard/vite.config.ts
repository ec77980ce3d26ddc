import preact from '@preact/preset-vite';
import { defaultClientConditions, defineConfig } from 'vite';

// `vite` serves the sources and forwards the API to a running product (PORT 3000 unless
// SUBTRACK_URL says otherwise), so the page and the API share one origin as in production.
const target = process.env['SUBTRACK_URL'] ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [preact()],
  // The domain's pure functions (day boundaries, the postback template) are bundled from their
  // TypeScript sources (the packages' `@subtrack/source` export condition), so only what the pages
  // call is shipped, not the package's CommonJS build.
  resolve: { conditions: ['@subtrack/source', ...defaultClientConditions] },
  build: { outDir: 'dist', emptyOutDir: true, assetsDir: 'assets', target: 'es2022' },
  server: { proxy: { '/api': { target, changeOrigin: true } } },
});
