import { ConsumerGroups, Topics } from '@subtrack/contracts';
import type { EmbeddedApp } from '@subtrack/embedded';
import { openEmbedded, type EmbeddedAdapters } from '@subtrack/sqlite';
import {
  FakeTelegramClient,
  type Chat,
  type CreatedBot,
  type FakeTelegram,
  type TrafficResult,
} from '@subtrack/telegram-fake';
import { randomBytes } from 'node:crypto';
import { ChildServer } from './child';
import {
  ADMIN_TOKEN,
  benchCampaign,
  createBenchAccount,
  ProductApi,
  productConfig,
  projectionsCaughtUp,
  removeDir,
  sleep,
  startProduct,
  tempDataDir,
} from './product';
import { check, MB, RSS_TARGET_MB, type BenchResult, type Check } from './report';
import {
  CAMPAIGN_MODES,
  expectedCounts,
  normalizeAll,
  queueTraffic,
  unpolledFake,
  type BenchCampaign,
  type ExpectedCounts,
} from './traffic';

export const INGEST_TARGET = 20_000;

/** Traffic spreads over the 30 days before the run, so rollups span many days. */
const TRAFFIC_DAYS = 30;
const trafficStart = (): number => Math.floor(Date.now() / 1000) - (TRAFFIC_DAYS + 1) * 86_400;

/** Generous: the run fails only when the product is stuck, never because it is slow. */
const settleTimeoutMs = (updates: number): number => 120_000 + updates * 5;

export interface IngestOptions {
  updates: number;
  seed: number;
  log: (line: string) => void;
}

export interface IngestRun extends BenchResult {
  updates: number;
  seconds: number;
}

/** Compares what the product's API shows with what the traffic must have produced. */
export async function verifyCounts(
  api: ProductApi,
  expected: ExpectedCounts,
  label: string,
): Promise<Check[]> {
  const leads = await api.get<{ total: number }>('/api/leads/list.json', { limit: 1 });
  const journal = await api.get<{ total: number }>('/api/journal/list.json', { limit: 1 });
  const summary = await api.get<{ data: unknown }>('/api/stats/summary.json');
  return [
    check(`${label}: leads total equals the /starts sent`, expected.leads, leads.total),
    check(`${label}: journal total equals the member updates sent`, expected.journal, journal.total),
    check(`${label}: all-time summary`, expected.summary, summary.data),
  ];
}

const rate = (n: number, seconds: number): number => n / seconds;

/** Runs `report` every `ms` until the returned function is called; a failed report is skipped. */
function every(ms: number, report: () => Promise<void>): () => void {
  const timer = setInterval(() => void report().catch(() => undefined), ms);
  return () => clearInterval(timer);
}

/**
 * How busy a process was over the run: its CPU time as a share of the wall time. Above 100 % means
 * threads besides the JavaScript one (garbage collection, the SQLite addon's I/O) were busy too.
 */
const busy = (cpuMs: number, seconds: number): string => `${((cpuMs / 1000 / seconds) * 100).toFixed(0)} %`;

// ---------------------------------------------------------------------------------------------------
// End to end: the fake Bot API in its own process, the product long-polling it

interface PolledSetup {
  key: string;
  bot: CreatedBot;
  chat: number;
  campaigns: BenchCampaign[];
}

/** Account, bot, chat and campaigns through the product's API, as a user sets them up. */
export async function setUpThroughApi(
  app: Pick<EmbeddedApp, 'url'>,
  fake: FakeTelegramClient,
): Promise<PolledSetup> {
  const admin = new ProductApi(app.url);
  const account = await admin.post<{ data: { api_key: string } }>(
    '/api/admin/accounts/add.json',
    { name: 'bench', timezone: 'Europe/Berlin' },
    { 'x-admin-token': ADMIN_TOKEN },
  );
  const key = account.data.api_key;
  const api = new ProductApi(app.url, key);
  const bot = await fake.createBot({ username: 'bench_bot' });
  await api.post('/api/bots/add.json', { token: bot.token });
  const chat = await fake.createChat({ title: 'Bench chat', type: 'supergroup' });
  await fake.addBotToChat(bot, chat, { admin: true });
  for (let tries = 0; ; tries++) {
    const chats = await api.get<{ data: { id: number }[] }>('/api/chats/list.json', { bot: bot.id });
    if (chats.data.some((c) => c.id === chat.id)) break;
    if (tries > 300) throw new Error('the product never saw the bot become an administrator of the chat');
    await sleep(50);
  }
  const campaigns: BenchCampaign[] = [];
  for (const [i, joinMode] of CAMPAIGN_MODES.entries()) {
    const created = await api.post<{ data: { id: number; code: string } }>('/api/campaigns/add.json', {
      name: `bench ${i + 1} (${joinMode})`,
      bot: bot.id,
      chat: chat.id,
      join_mode: joinMode,
    });
    campaigns.push({ ...created.data, chat: chat.id, joinMode });
  }
  return { key, bot, chat: chat.id, campaigns };
}

/**
 * Telegram updates → ingest (long polling, getUpdates batches of up to 100) → event log → lead
 * projection → stats; the welcomes go out beside it (see the telegram benchmark for their pace). The product is stopped
 * while the traffic is queued and started again to take it: the clock runs from that start (its boot
 * included) until both projections report zero lag.
 */
export async function ingestPolling(opts: IngestOptions): Promise<IngestRun> {
  const telegram = await ChildServer.start('fake-server.js', [String(opts.seed)]);
  const fake = new FakeTelegramClient(telegram.url);
  const dataDir = tempDataDir('polling');
  const config = productConfig(dataDir, {
    TELEGRAM_API_ROOT: telegram.url,
    TELEGRAM_MODE: 'polling',
  });
  let app = await startProduct(config);
  try {
    const setup = await setUpThroughApi(app, fake);
    await app.close();
    const traffic = await queueTraffic(fake, {
      bot: setup.bot,
      chat: setup.chat,
      campaigns: setup.campaigns,
      updates: opts.updates,
      seed: opts.seed,
      start: trafficStart(),
      days: TRAFFIC_DAYS,
    });
    opts.log(
      `  ${traffic.updates.toLocaleString('en-US')} updates queued in the fake Bot API; starting the product`,
    );

    const fakeBefore = await telegram.usage();
    const cpuBefore = process.cpuUsage();
    const t0 = performance.now();
    app = await startProduct(config);
    const bootMs = performance.now() - t0;
    await untilPolledAndProjected(app, fake, {
      timeoutMs: settleTimeoutMs(traffic.updates),
      t0,
      log: opts.log,
    });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const fakeAfter = await telegram.usage();

    const checks = await verifyCounts(new ProductApi(app.url, setup.key), expectedCounts(traffic), 'polling');
    const productCpuMs = (cpu.user + cpu.system) / 1000;
    const fakeCpuMs = fakeAfter.cpuMs - fakeBefore.cpuMs;
    return {
      updates: traffic.updates,
      seconds,
      figures: [
        {
          id: 'ingest.polling',
          label: 'ingest → projections, long polling (updates/s)',
          value: rate(traffic.updates, seconds),
          unit: '/s',
          target: { value: INGEST_TARGET, goal: 'atLeast' },
          detail: `${traffic.updates.toLocaleString('en-US')} updates (${traffic.starts.toLocaleString('en-US')} /start) in ${seconds.toFixed(1)} s`,
        },
      ],
      checks,
      notes: pollingNotes(traffic, { seconds, bootMs, productCpuMs, fakeCpuMs }),
    };
  } finally {
    await app.close();
    await telegram.stop();
    removeDir(dataDir);
  }
}

/** Fake drained (every update confirmed by a later getUpdates), then both projections caught up. */
async function untilPolledAndProjected(
  app: EmbeddedApp,
  fake: FakeTelegramClient,
  opts: { timeoutMs: number; t0: number; log: (line: string) => void },
): Promise<void> {
  const log = app.adapters.eventLog;
  const stopReporting = every(10_000, async () => {
    // A group that never consumed lags by the whole topic: the number of events logged so far.
    const logged = await log.lag('bench-progress', Topics.telegram);
    const behind = await log.lag(ConsumerGroups.leadProjection, Topics.telegram);
    const at = ((performance.now() - opts.t0) / 1000).toFixed(0);
    opts.log(
      `  ${at} s: ${logged.toLocaleString('en-US')} events logged, ${behind.toLocaleString('en-US')} still to project`,
    );
  });
  try {
    await fake.idle({ timeoutMs: opts.timeoutMs });
    await projectionsCaughtUp(log, {
      timeoutMs: opts.timeoutMs,
      progress: (lag) => opts.log(`  lag ${JSON.stringify(lag)}`),
    });
  } finally {
    stopReporting();
  }
}

function pollingNotes(
  traffic: TrafficResult,
  run: { seconds: number; bootMs: number; productCpuMs: number; fakeCpuMs: number },
): string[] {
  const notes = [
    `polling run: product process CPU time ${busy(run.productCpuMs, run.seconds)} of the wall time, fake Bot API process ` +
      `${busy(run.fakeCpuMs, run.seconds)}; boot ${run.bootMs.toFixed(0)} ms is included in the wall time.`,
    `polling run: no Bot API call is on the ingest path; the welcomes of the ${traffic.starts.toLocaleString('en-US')} ` +
      `/starts go out beside it at the configured rate (not timed here), and ingest's own calls are ` +
      `${Math.ceil(traffic.updates / 100).toLocaleString('en-US')}+ getUpdates.`,
  ];
  const fakeShare = run.fakeCpuMs / 1000 / run.seconds;
  const productShare = run.productCpuMs / 1000 / run.seconds;
  if (fakeShare > 0.85)
    notes.push('polling run: the fake Bot API kept its core busy: it, not the product, bounds this figure.');
  else if (productShare < 0.85)
    notes.push(
      'polling run: neither process kept a core busy: the time goes to waiting on getUpdates round trips and the consumers polling the log (latency, not CPU).',
    );
  return notes;
}

// ---------------------------------------------------------------------------------------------------
// Event log → projections: a backlog of pre-normalized events, then the projections work it off

/**
 * The same kind of traffic, normalized and appended to the event log of a fresh data dir (the
 * catalog written through the catalog store) before the product starts: a backlog, as after an
 * outage or a rebuild. The product then starts in a process of its own (`backlog-server.ts`) and
 * the clock runs from its start until both projections have applied all of it: what they sustain
 * once Telegram's round trips are out of the way. That process's peak RSS is the product's alone.
 */
export async function ingestDirect(opts: IngestOptions): Promise<IngestRun> {
  const dataDir = tempDataDir('direct');
  try {
    const { fake, bot, chat } = await unpolledFake(opts.seed);
    const adapters = openEmbedded(dataDir);
    let prepared;
    try {
      prepared = await prepareBacklog(adapters, { fake, bot, chat }, opts);
    } finally {
      await adapters.close();
    }
    const { traffic, key, appendedMs } = prepared;

    const server = await ChildServer.start('backlog-server.js', [dataDir], settleTimeoutMs(traffic.updates));
    try {
      const { caughtUpMs = NaN, peakRss = NaN, cpuMs = NaN }: Partial<BacklogReport> = server.report;
      const seconds = caughtUpMs / 1000;
      const usage = await server.usage();
      const checks = await verifyCounts(new ProductApi(server.url, key), expectedCounts(traffic), 'direct');
      return {
        updates: traffic.updates,
        seconds,
        figures: [
          {
            id: 'ingest.direct',
            label: 'event log → projections, backlog, no Telegram (updates/s)',
            value: rate(traffic.updates, seconds),
            unit: '/s',
            target: { value: INGEST_TARGET, goal: 'atLeast' },
            detail: `a backlog of ${traffic.updates.toLocaleString('en-US')} pre-normalized updates applied in ${seconds.toFixed(1)} s, boot included (appended beforehand in ${(appendedMs / 1000).toFixed(1)} s)`,
          },
          {
            id: 'ingest.rss',
            label: 'peak RSS of the product working off the backlog',
            value: peakRss / MB,
            unit: 'MB',
            target: { value: RSS_TARGET_MB, goal: 'atMost' },
            detail: `the product's own process, sampled every 100 ms; ${(usage.rss / MB).toFixed(0)} MB once caught up`,
          },
        ],
        checks,
        notes: [
          `direct run: product process CPU time ${busy(cpuMs, seconds)} of the wall time (boot included).`,
        ],
      };
    } finally {
      await server.stop();
    }
  } finally {
    removeDir(dataDir);
  }
}

/** What `backlog-server.ts` reports once both projections have caught up. */
export interface BacklogReport {
  caughtUpMs: number;
  peakRss: number;
  cpuMs: number;
}

/** Account, bot, campaigns and the normalized traffic, written to a data dir nobody serves yet. */
async function prepareBacklog(
  adapters: EmbeddedAdapters,
  world: { fake: FakeTelegram; bot: CreatedBot; chat: Chat },
  opts: IngestOptions,
): Promise<{ traffic: TrafficResult; key: string; appendedMs: number }> {
  const { fake, bot, chat } = world;
  const { catalog } = adapters;
  const now = Math.floor(Date.now() / 1000);
  const account = await createBenchAccount(catalog, 'Europe/Berlin', now);
  await catalog.saveBot({
    id: bot.id,
    account: account.id,
    username: bot.username,
    token: bot.token,
    secret: randomBytes(24).toString('hex'),
    created: now,
    status: 'ok',
  });
  const campaigns: BenchCampaign[] = [];
  for (const [i, joinMode] of CAMPAIGN_MODES.entries()) {
    const code = `BENCH${i + 1}`;
    const c = await catalog.createCampaign(
      benchCampaign({
        account: account.id,
        name: `bench ${i + 1} (${joinMode})`,
        code,
        bot: bot.id,
        chat: chat.id,
        joinMode,
        created: now,
      }),
    );
    campaigns.push({ id: c.id, code, chat: chat.id, joinMode });
  }

  const traffic = await queueTraffic(fake, {
    bot,
    chat,
    campaigns,
    updates: opts.updates,
    seed: opts.seed,
    start: trafficStart(),
    days: TRAFFIC_DAYS,
  });
  const events = normalizeAll(fake.pendingUpdates(bot), { account: account.id, bot: bot.id }, campaigns);
  opts.log(
    `  ${events.length.toLocaleString('en-US')} events normalized; appending, then starting the product`,
  );
  const t0 = performance.now();
  await adapters.eventLog.append(Topics.telegram, events);
  return { traffic, key: account.key, appendedMs: performance.now() - t0 };
}
