import { parseArgs as parseArgsWith } from 'node:util';

export const BENCHES = ['raw', 'ingest', 'webhook', 'api', 'telegram', 'distributed'] as const;
export type BenchName = (typeof BENCHES)[number];
/** What runs without --only: the embedded benchmarks; `distributed` needs Kafka and a MongoDB server. */
export const DEFAULT_BENCHES: readonly BenchName[] = BENCHES.filter((b) => b !== 'distributed');

export interface Sizes {
  /** Rows of the raw engine run. */
  rawRows: number;
  /** Telegram updates of each ingest run. */
  updates: number;
  /** Leads and journal rows the API run is filled with. */
  leads: number;
  journal: number;
  /** Timed HTTP requests per endpoint. */
  requests: number;
  /** /starts of the Telegram burst. */
  starts: number;
  /** Seconds of load on each side of the webhook comparison. */
  webhookSeconds: number;
  /** Updates through the distributed pipeline, per deployment. */
  distributedUpdates: number;
}

export interface BenchOptions extends Sizes {
  benches: BenchName[];
  seed: number;
  /** Where to write the results as JSON; null: nowhere. */
  json: string | null;
}

/** SPEC §9's sizes: 1,000,000 leads and 5,000,000 journal rows; 100,000 updates as in its crash-safety run. */
export const FULL: Sizes = {
  rawRows: 1_000_000,
  updates: 100_000,
  leads: 1_000_000,
  journal: 5_000_000,
  requests: 300,
  starts: 600,
  webhookSeconds: 10,
  distributedUpdates: 20_000,
};

/** Small enough for a run well under a minute, large enough to exercise every path. */
export const QUICK: Sizes = {
  rawRows: 100_000,
  updates: 5_000,
  leads: 20_000,
  journal: 100_000,
  requests: 100,
  starts: 150,
  webhookSeconds: 3,
  distributedUpdates: 2_000,
};

export const USAGE = `Usage: npm run bench -- [options]      (after npm run build)

Runs the benchmarks of SPEC §9 and prints each figure beside its target.

  --quick              small sizes (finishes well under a minute)
  --only LIST          comma-separated subset of: ${BENCHES.join(', ')}
                       (default: all but distributed, which runs on Kafka and a MongoDB-protocol
                       server: KAFKA_BROKERS / MONGO_URL, or the local ones of scripts/servers)
  --raw-rows N         rows inserted by the raw engine run (default ${FULL.rawRows})
  --updates N          Telegram updates per ingest run (default ${FULL.updates})
  --leads N            leads the API run is filled with (default ${FULL.leads})
  --journal N          journal rows the API run is filled with (default ${FULL.journal})
  --requests N         timed requests per API endpoint (default ${FULL.requests})
  --starts N           /starts of the Telegram burst (default ${FULL.starts})
  --webhook-seconds N  seconds of load on the webhook and on its bare anchor (default ${FULL.webhookSeconds})
  --distributed-updates N  updates through each distributed deployment (default ${FULL.distributedUpdates})
  --seed N             seed of the generated traffic and data (default 1)
  --json PATH          also write the results as JSON to PATH
  --help

Sizes given explicitly win over --quick. Exit code 0 when the run completed (missed targets are
reported as MISSED), 1 when a check of the produced numbers failed or something broke, 2 on bad
options.`;

export class UsageError extends Error {}

function int(flag: string, raw: string, min: number): number {
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`${flag} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

function benchList(raw: string): BenchName[] {
  const names = raw.split(',').map((s) => s.trim());
  for (const name of names)
    if (!(BENCHES as readonly string[]).includes(name))
      throw new UsageError(`--only takes ${BENCHES.join(', ')}; got "${name}"`);
  return BENCHES.filter((b) => names.includes(b));
}

/** Size options: the field each sets and its smallest sensible value. */
const SIZE_FLAGS: Record<string, [keyof Sizes, number]> = {
  'raw-rows': ['rawRows', 1000],
  updates: ['updates', 100],
  leads: ['leads', 100],
  journal: ['journal', 0],
  requests: ['requests', 10],
  starts: ['starts', 10],
  'webhook-seconds': ['webhookSeconds', 1],
  'distributed-updates': ['distributedUpdates', 100],
};

/** Parses argv (without node and script); returns null when --help was asked for. */
export function parseArgs(argv: readonly string[]): BenchOptions | null {
  let parsed: ReturnType<typeof parseWith>;
  try {
    parsed = parseWith(argv);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  if (v.help) return null;
  const explicit: Partial<Sizes> = {};
  for (const [name, [field, min]] of Object.entries(SIZE_FLAGS)) {
    const raw = v[name];
    if (typeof raw === 'string') explicit[field] = int(`--${name}`, raw, min);
  }
  return {
    ...(v.quick ? QUICK : FULL),
    ...explicit,
    benches: typeof v.only === 'string' ? benchList(v.only) : [...DEFAULT_BENCHES],
    seed: typeof v.seed === 'string' ? int('--seed', v.seed, 0) : 1,
    json: typeof v.json === 'string' ? v.json : null,
  };
}

function parseWith(argv: readonly string[]) {
  const text = { type: 'string' } as const;
  return parseArgsWith({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      help: { type: 'boolean', short: 'h' },
      quick: { type: 'boolean' },
      only: text,
      seed: text,
      json: text,
      ...Object.fromEntries(Object.keys(SIZE_FLAGS).map((name) => [name, text])),
    },
  });
}
