// Makes `npm start` and `npm test` work on a fresh clone: installs dependencies when the lockfile
// changed since the last install, then builds (turbo skips unchanged packages).
// better-sqlite3 is a native addon; with no prebuilt binary reachable it compiles against the
// headers of the running Node, which we point node-gyp at instead of letting it download them.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };
const nodeDir = path.resolve(path.dirname(process.execPath), '..');
if (!env.npm_config_nodedir && fs.existsSync(path.join(nodeDir, 'include', 'node', 'node.h'))) {
  env.npm_config_nodedir = nodeDir;
}
const run = (cmd) => execSync(cmd, { cwd: root, stdio: 'inherit', env });

const lock = path.join(root, 'package-lock.json');
const stamp = path.join(root, 'node_modules', '.package-lock.json');
const stale =
  !fs.existsSync(stamp) || (fs.existsSync(lock) && fs.statSync(lock).mtimeMs > fs.statSync(stamp).mtimeMs);
if (stale) {
  run(fs.existsSync(lock) ? 'npm ci --no-fund --no-audit' : 'npm install --no-fund --no-audit');
}
run('npx --no-install turbo run build --output-logs=errors-only');
