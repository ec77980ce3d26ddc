import type { JoinMode } from './plan';

export interface SimulatorOptions {
  api: string;
  telegram: string;
  adminToken: string;
  subscribers: number;
  organic: number;
  seed: number;
  joinModes: JoinMode[];
  concurrency: number;
  replyTimeoutMs: number;
  /** How long to wait for the product's numbers to settle on the expected ones. */
  settleMs: number;
}

export const USAGE = `Usage: npm run simulate -- [options]

Plays subscribers through their lifecycle against a running product whose TELEGRAM_API_ROOT
points at a running fake Telegram (npm run fake-telegram), then compares the product's
statistics with the numbers expected from what was played.

  --api URL              product base URL (default http://127.0.0.1:3000)
  --telegram URL         fake Telegram base URL (default http://127.0.0.1:8081)
  --admin-token TOKEN    product ADMIN_TOKEN (default: env ADMIN_TOKEN)
  --subscribers N        paid subscribers (default 50)
  --organic N            organic users joining without a link (default 10)
  --seed N               seed for reproducible paths (default: random, printed)
  --join-mode MODE       request | direct (default: one campaign of each)
  --concurrency N        subscribers played at once (default 8)
  --reply-timeout-ms N   wait for the bot's /start reply (default 15000)
  --settle-ms N          wait for the product's stats to match (default 15000)
  --help`;

export class UsageError extends Error {}

function int(flag: string, raw: string, min: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`${flag} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

/** Parses argv (without node and script); returns null when --help was asked for. */
export function parseArgs(
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
): SimulatorOptions | null {
  const opts: SimulatorOptions = {
    api: 'http://127.0.0.1:3000',
    telegram: 'http://127.0.0.1:8081',
    adminToken: env.ADMIN_TOKEN ?? '',
    subscribers: 50,
    organic: 10,
    seed: Math.floor(Math.random() * 1_000_000),
    joinModes: ['request', 'direct'],
    concurrency: 8,
    replyTimeoutMs: 15_000,
    settleMs: 15_000,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') return null;
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      const v = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--api':
        opts.api = value();
        break;
      case '--telegram':
        opts.telegram = value();
        break;
      case '--admin-token':
        opts.adminToken = value();
        break;
      case '--subscribers':
        opts.subscribers = int(flag, value(), 0);
        break;
      case '--organic':
        opts.organic = int(flag, value(), 0);
        break;
      case '--seed':
        opts.seed = int(flag, value(), 0);
        break;
      case '--join-mode': {
        const mode = value();
        if (mode !== 'request' && mode !== 'direct')
          throw new UsageError(`--join-mode must be request or direct, got "${mode}"`);
        opts.joinModes = [mode];
        break;
      }
      case '--concurrency':
        opts.concurrency = int(flag, value(), 1);
        break;
      case '--reply-timeout-ms':
        opts.replyTimeoutMs = int(flag, value(), 1);
        break;
      case '--settle-ms':
        opts.settleMs = int(flag, value(), 0);
        break;
      default:
        throw new UsageError(`unknown option ${arg}`);
    }
  }
  for (const [flag, url] of [
    ['--api', opts.api],
    ['--telegram', opts.telegram],
  ] as const) {
    try {
      new URL(url);
    } catch {
      throw new UsageError(`${flag} must be a URL, got "${url}"`);
    }
  }
  if (!opts.adminToken)
    throw new UsageError('--admin-token or the ADMIN_TOKEN environment variable is required');
  return opts;
}
