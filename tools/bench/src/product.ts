import { loadConfig, type Config } from '@subtrack/config';
import { ConsumerGroups, Topics } from '@subtrack/contracts';
import { startEmbedded, type EmbeddedApp } from '@subtrack/embedded';
import { hashSecret } from '@subtrack/api-gateway';
import type { CatalogStore, EventLog, NewCampaign } from '@subtrack/ports';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A Bot API root nobody listens on (the discard port): runs that must not talk to Telegram. */
export const NO_TELEGRAM = 'http://127.0.0.1:9';

export const ADMIN_TOKEN = `bench-${randomBytes(12).toString('hex')}`;

/** An account made straight in the catalog, with the API key that opens it. */
export async function createBenchAccount(
  catalog: CatalogStore,
  timezone: string,
  created: number,
): Promise<{ id: number; key: string }> {
  const secret = randomBytes(24).toString('hex');
  const account = await catalog.createAccount({
    name: 'bench',
    timezone,
    keyHash: hashSecret(secret),
    postbacks: {},
    created,
  });
  return { id: account.id, key: `${account.id}-${secret}` };
}

/** A campaign without welcome text, postbacks or unsubscribe window: all the benchmarks need. */
export function benchCampaign(
  c: Pick<NewCampaign, 'account' | 'name' | 'code' | 'bot' | 'chat' | 'joinMode' | 'created'>,
): NewCampaign {
  return { ...c, welcome: '', postbacks: null, method: 'GET', body: '', unsubWindow: 0, isDefault: false };
}

export function tempDataDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `subtrack-bench-${label}-`));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export function productConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    ADMIN_TOKEN,
    TELEGRAM_API_ROOT: NO_TELEGRAM,
    // The benchmark asks thousands of times a minute with one key, on purpose.
    API_RATE_PER_MINUTE: '0',
    ...env,
  });
}

/** The embedded product in this process, with only errors logged. */
export function startProduct(config: Config): Promise<EmbeddedApp> {
  return startEmbedded({ config, logger: ['error'] });
}

/** A TCP port nobody listens on right now, for a server started next. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Events the lead projection and the stats projection still have to apply. */
export async function projectionLag(log: EventLog): Promise<{ leadProjection: number; stats: number }> {
  return {
    leadProjection: await log.lag(ConsumerGroups.leadProjection, Topics.telegram),
    stats: await log.lag(ConsumerGroups.stats, Topics.leads),
  };
}

/**
 * Resolves once neither projection has anything left to apply. Zero lag is checked twice in a row
 * (as the replay tool does), since the lead projection may append lead events between the two reads.
 */
export async function projectionsCaughtUp(
  log: EventLog,
  opts: { timeoutMs: number; progress?: (lag: { leadProjection: number; stats: number }) => void },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastReport = Date.now();
  let quiet = 0;
  while (quiet < 2) {
    const lag = await projectionLag(log);
    quiet = lag.leadProjection === 0 && lag.stats === 0 ? quiet + 1 : 0;
    if (quiet === 0 && opts.progress && Date.now() - lastReport > 5000) {
      opts.progress(lag);
      lastReport = Date.now();
    }
    if (Date.now() > deadline)
      throw new Error(
        `projections did not catch up within ${opts.timeoutMs} ms (lag ${JSON.stringify(lag)})`,
      );
    // The lag is a COUNT over the backlog: look rarely while it is long, so the look itself does not
    // slow down the projections sharing this process. A lag of L takes them well over L/50 ms to
    // apply, so the wait never runs past the moment they catch up.
    if (quiet < 2) await sleep(Math.min(1000, Math.max(10, (lag.leadProjection + lag.stats) / 50)));
  }
}

/** A client of the product's HTTP API; fails loudly on anything but a successful answer. */
export class ProductApi {
  constructor(
    readonly base: string,
    private readonly key = '',
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.key ? { authorization: `Bearer ${this.key}` } : {}), ...extra };
  }

  async get<T = unknown>(route: string, params: Record<string, string | number> = {}): Promise<T> {
    const qs = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
    const url = `${this.base}${route}${qs.size ? `?${qs}` : ''}`;
    return this.answer<T>(`GET ${route}`, await fetch(url, { headers: this.headers() }));
  }

  async post<T = unknown>(route: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
    const res = await fetch(`${this.base}${route}`, {
      method: 'POST',
      headers: this.headers({ 'content-type': 'application/json', ...headers }),
      body: JSON.stringify(body),
    });
    return this.answer<T>(`POST ${route}`, res);
  }

  private async answer<T>(what: string, res: Response): Promise<T> {
    const text = await res.text();
    let body: { status?: string } | undefined;
    try {
      body = JSON.parse(text) as { status?: string };
    } catch {
      body = undefined;
    }
    if (res.status !== 200 || body?.status !== 'ok')
      throw new Error(`${what} → ${res.status} ${text.slice(0, 300)}`);
    return body as T;
  }
}
