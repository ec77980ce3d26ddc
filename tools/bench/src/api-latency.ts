import { fillDataDir, type Filled } from './api-fill';
import { ChildServer } from './child';
import { ProductApi, removeDir, tempDataDir } from './product';
import { check, MB, RSS_TARGET_MB, type BenchResult, type Check, type Figure } from './report';

const DAY = 86_400;
const YEAR = 365 * DAY;
const WARMUP = 10;
const PAGE = 50;
/** Where a user paging far back lands. */
const DEEP = 10_000;

export interface ApiOptions {
  leads: number;
  journal: number;
  requests: number;
  seed: number;
  log: (line: string) => void;
}

interface Endpoint {
  id: string;
  label: string;
  targetMs: number;
  /** The i-th request: route and query; parameters vary so no two neighbours ask the same thing. */
  request(i: number): [string, Record<string, string | number>];
}

/** A month-long window inside the year, different for each request. */
function month(i: number, yearFrom: number): { from: number; to: number } {
  const from = yearFrom + (i % 12) * 30 * DAY;
  return { from, to: from + 30 * DAY };
}

function endpoints(filled: Filled, yearFrom: number, now: number): Endpoint[] {
  const campaigns = filled.campaigns.map((c) => c.id);
  const actions = ['join', 'leave', 'request', 'approve', 'ban'];
  const year = (i: number): Record<string, number> => ({
    from: yearFrom,
    to: now,
    // Every seventh request account-wide, the others for one campaign.
    ...(i % (campaigns.length + 1) === 0 ? {} : { campaign: campaigns[i % campaigns.length]! }),
  });
  return [
    {
      id: 'api.leads',
      label: 'API leads list page, p99',
      targetMs: 20,
      request: (i) => ['/api/leads/list.json', { limit: PAGE, offset: (i % 20) * PAGE }],
    },
    {
      id: 'api.leads.deep',
      label: 'API leads list page at offset 10,000, p99',
      targetMs: 20,
      request: (i) => ['/api/leads/list.json', { limit: PAGE, offset: DEEP + (i % 20) * PAGE }],
    },
    {
      id: 'api.leads.filtered',
      label: 'API leads list page, filtered, p99',
      targetMs: 20,
      request: (i) => [
        '/api/leads/list.json',
        { campaign: campaigns[i % campaigns.length]!, status: i % 5, ...month(i, yearFrom), limit: PAGE },
      ],
    },
    {
      id: 'api.journal',
      label: 'API journal list page, p99',
      targetMs: 20,
      request: (i) => ['/api/journal/list.json', { limit: PAGE, offset: (i % 20) * PAGE }],
    },
    {
      id: 'api.journal.deep',
      label: 'API journal list page at offset 10,000, p99',
      targetMs: 20,
      request: (i) => ['/api/journal/list.json', { limit: PAGE, offset: DEEP + (i % 20) * PAGE }],
    },
    {
      id: 'api.journal.filtered',
      label: 'API journal list page, filtered, p99',
      targetMs: 20,
      request: (i) => [
        '/api/journal/list.json',
        {
          chat: filled.chats[i % filled.chats.length]!,
          action: actions[i % actions.length]!,
          ...month(i, yearFrom),
          limit: PAGE,
        },
      ],
    },
    {
      id: 'api.summary',
      label: 'API summary over a year, p99',
      targetMs: 10,
      request: (i) => ['/api/stats/summary.json', year(i)],
    },
    {
      id: 'api.series',
      label: 'API series over a year, p99',
      targetMs: 10,
      request: (i) => ['/api/stats/series.json', year(i)],
    },
  ];
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** Sequential requests, each timed from sending to the last byte of its answer. */
async function timeEndpoint(api: ProductApi, endpoint: Endpoint, requests: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < WARMUP + requests; i++) {
    const [route, params] = endpoint.request(i);
    const t0 = performance.now();
    await api.get(route, params);
    if (i >= WARMUP) times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

function latencyFigure(endpoint: Endpoint, sorted: readonly number[]): Figure {
  const ms = (p: number): string => `${percentile(sorted, p).toFixed(1)}`;
  return {
    id: endpoint.id,
    label: endpoint.label,
    value: percentile(sorted, 0.99),
    unit: 'ms',
    target: { value: endpoint.targetMs, goal: 'atMost' },
    detail: `p50 ${ms(0.5)} ms, p95 ${ms(0.95)} ms, max ${ms(1)} ms over ${sorted.length} requests`,
  };
}

/** The product's answers against what was written. */
async function verifyFill(api: ProductApi, filled: Filled, yearFrom: number, now: number): Promise<Check[]> {
  const leads = await api.get<{ total: number }>('/api/leads/list.json', { limit: 1 });
  const journal = await api.get<{ total: number }>('/api/journal/list.json', { limit: 1 });
  const summary = await api.get<{ data: unknown }>('/api/stats/summary.json', { from: yearFrom, to: now });
  const series = await api.get<{ data: { starts: number; confirms: number }[] }>('/api/stats/series.json', {
    from: yearFrom,
    to: now,
  });
  const sum = (field: 'starts' | 'confirms'): number => series.data.reduce((s, p) => s + p[field], 0);
  return [
    check('api: leads total', filled.expected.leads, leads.total),
    check('api: journal total', filled.expected.journal, journal.total),
    check('api: summary over the year', filled.expected.summary, summary.data),
    check(
      'api: series over the year adds up to the summary',
      [filled.expected.summary.starts, filled.expected.summary.confirms],
      [sum('starts'), sum('confirms')],
    ),
  ];
}

/**
 * A data dir filled with `leads` leads and `journal` journal rows over the past year, served by the
 * embedded product in a process of its own, asked sequentially for pages and statistics.
 */
export async function apiLatency(opts: ApiOptions): Promise<BenchResult> {
  const dataDir = tempDataDir('api');
  try {
    const fillNow = Math.floor(Date.now() / 1000);
    // An hour of margin on each side: the year asked about later still holds everything.
    const filled = await fillDataDir(dataDir, {
      leads: opts.leads,
      journal: opts.journal,
      seed: opts.seed,
      from: fillNow - YEAR + 3600,
      to: fillNow - 3600,
      log: opts.log,
    });
    opts.log(`  filled in ${filled.seconds.toFixed(0)} s; starting the product on it`);
    const server = await ChildServer.start('api-server.js', [dataDir]);
    try {
      const api = new ProductApi(server.url, filled.key);
      const now = Math.floor(Date.now() / 1000);
      const yearFrom = now - YEAR;
      const checks = await verifyFill(api, filled, yearFrom, now);
      const figures: Figure[] = [];
      for (const endpoint of endpoints(filled, yearFrom, now)) {
        const sorted = await timeEndpoint(api, endpoint, opts.requests);
        figures.push(latencyFigure(endpoint, sorted));
        opts.log(`  ${endpoint.label}: ${figures[figures.length - 1]!.detail}`);
      }
      const usage = await server.usage();
      figures.push({
        id: 'api.rss',
        label: 'embedded process RSS after the API run',
        value: usage.rss / MB,
        unit: 'MB',
        target: { value: RSS_TARGET_MB, goal: 'atMost' },
        detail: `peak ${(usage.maxRss / MB).toFixed(0)} MB, JS heap ${(usage.heapUsed / MB).toFixed(0)} MB`,
      });
      return {
        figures,
        checks,
        notes: [
          `api run: ${filled.expected.leads.toLocaleString('en-US')} leads, ${filled.expected.journal.toLocaleString('en-US')} journal rows, ` +
            `${filled.campaigns.length} campaigns on ${filled.chats.length} chats over a year, written through the stores in ${filled.seconds.toFixed(0)} s.`,
        ],
      };
    } finally {
      await server.stop();
    }
  } finally {
    removeDir(dataDir);
  }
}
