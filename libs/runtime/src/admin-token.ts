import type { Config } from '@subtrack/config';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Injection token: where a generated admin token is kept (embedded, without ADMIN_TOKEN), or null. */
export const ADMIN_TOKEN_FILE = Symbol('ADMIN_TOKEN_FILE');

/** The admin token from ADMIN_TOKEN, else (embedded only) one generated once and kept in the data dir. */
export function resolveAdminToken(
  config: Config,
  distributed: boolean,
): { token: string; file: string | null } {
  if (config.ADMIN_TOKEN) return { token: config.ADMIN_TOKEN, file: null };
  if (distributed) {
    // Several processes must agree on it, so it cannot be made up by one of them.
    return { token: randomBytes(24).toString('hex'), file: null };
  }
  const file = path.join(config.DATA_DIR, 'admin-token');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(config.DATA_DIR, { recursive: true });
    fs.writeFileSync(file, randomBytes(24).toString('hex') + '\n', { mode: 0o600 });
  }
  return { token: fs.readFileSync(file, 'utf8').trim(), file };
}
