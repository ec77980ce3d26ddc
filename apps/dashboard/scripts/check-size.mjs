// Fails the build when the JavaScript the page loads at first, gzip-compressed, exceeds the budget:
// the entry script of index.html and every module it preloads.
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET = 250 * 1000;
const dist = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'dist');
const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
const scripts = [
  ...html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g),
  ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
].map((m) => m[1]);
if (scripts.length === 0) throw new Error('no script found in dist/index.html');

let total = 0;
for (const src of new Set(scripts)) {
  const file = path.join(dist, src.replace(/^\//, ''));
  const size = gzipSync(fs.readFileSync(file), { level: 9 }).length;
  total += size;
  console.log(`${src}: ${(size / 1000).toFixed(1)} kB gzip`);
}
const line = `first-load JavaScript: ${(total / 1000).toFixed(1)} kB gzip (budget ${BUDGET / 1000} kB)`;
if (total > BUDGET) {
  console.error(`${line}: over budget`);
  process.exit(1);
}
console.log(line);
