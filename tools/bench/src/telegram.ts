import { FakeTelegramClient, inviteLinkButtons, type Message, type User } from '@subtrack/telegram-fake';
import { performance } from 'node:perf_hooks';
import { ChildServer } from './child';
import { setUpThroughApi } from './ingest';
import { ProductApi, freePort, productConfig, removeDir, sleep, startProduct, tempDataDir } from './product';
import { check, type BenchResult, type Check } from './report';

/** Production's Bot API: a round trip away, throttled past this many calls a second per bot. */
export const BOT_API_LATENCY_MS = 150;
export const TELEGRAM_RATE = 30;
/** Telegram opens up to 40 connections to a webhook. */
const CONNECTIONS = 40;
/**
 * The burst arrives at this rate (an ad campaign's worth of clicks a second), not as fast as the
 * product can take it: the figure is how long a /start's answer takes, not the webhook's
 * throughput limit, which the ingest benchmarks measure.
 */
const ARRIVALS_PER_SECOND = 100;

export interface TelegramOptions {
  starts: number;
  seed: number;
  log: (line: string) => void;
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/**
 * A burst of /starts to one bot by webhook, arriving at 100 a second over up to 40 connections,
 * while the Bot API (the fake, in a process of its own) answers in 150 ms and answers 429 past 30
 * calls a second per bot and method: how long Telegram waits for each webhook answer, and how close
 * the welcomes come to the rate.
 */
export async function telegramBurst(opts: TelegramOptions): Promise<BenchResult> {
  const telegram = await ChildServer.start('fake-server.js', [String(opts.seed), 'history']);
  const fake = new FakeTelegramClient(telegram.url);
  const dataDir = tempDataDir('telegram');
  const port = await freePort();
  const app = await startProduct(
    productConfig(dataDir, {
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      TELEGRAM_API_ROOT: telegram.url,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_RATE_PER_BOT: String(TELEGRAM_RATE),
    }),
  );
  try {
    // Set up with Telegram's own webhook delivery; then the burst is sent by this benchmark, from
    // 40 connections as Telegram does, instead of the fake's one delivery at a time.
    const setup = await setUpThroughApi(app, fake);
    const bot = (await app.adapters.catalog.getBot(setup.bot.id))!;
    await fetch(`${telegram.url}/bot${bot.token}/deleteWebhook`, { method: 'POST' });
    const campaign = setup.campaigns[0]!;
    const users: User[] = [];
    const updates: { update_id: number; message: Message }[] = [];
    for (let i = 0; i < opts.starts; i++) {
      const user = await fake.createUser({ first_name: `Burst${i}` });
      const message = await fake.userStartsBot(user, setup.bot, `${campaign.code}-b${i}`);
      users.push(user);
      updates.push({ update_id: 900_000 + i, message });
    }
    await fake.configureNetwork({ latencyMs: BOT_API_LATENCY_MS, floodLimitPerSecond: TELEGRAM_RATE });

    opts.log(
      `  ${opts.starts} /starts by webhook, ${ARRIVALS_PER_SECOND}/s over up to ${CONNECTIONS} connections`,
    );
    const webhook = `${app.url}/telegram/webhook/${bot.id}`;
    const answers: number[] = [];
    const refused: number[] = [];
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (next < updates.length) {
          const i = next++;
          const update = updates[i]!;
          const due = t0 + (i * 1000) / ARRIVALS_PER_SECOND;
          if (due > performance.now()) await sleep(due - performance.now());
          // Timed from when the update was due: a connection still busy with the last one counts.
          const started = Math.min(due, performance.now());
          const res = await fetch(webhook, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': bot.secret },
            body: JSON.stringify(update),
          });
          await res.arrayBuffer();
          answers.push(performance.now() - started);
          if (res.status !== 200) refused.push(res.status);
        }
      }),
    );
    const accepted = (performance.now() - t0) / 1000;
    for (;;) {
      if ((await app.adapters.welcomes.backlog()).pending === 0) break;
      if (performance.now() - t0 > 600_000) throw new Error('welcomes still owed after 10 minutes');
      await sleep(20);
    }
    const seconds = (performance.now() - t0) / 1000;
    const welcomeRate = opts.starts / seconds;

    const sorted = [...answers].sort((a, b) => a - b);
    const p95 = percentile(sorted, 95);
    let withOneWelcome = 0;
    const links = new Set<string>();
    for (const user of users) {
      const welcomes = (await fake.messagesSentTo(user)).filter((m) => inviteLinkButtons(m).length > 0);
      if (welcomes.length === 1) withOneWelcome++;
      for (const m of welcomes) links.add(inviteLinkButtons(m)[0]!);
    }
    const state = await fake.configureNetwork({});
    const leads = await new ProductApi(app.url, setup.key).get<{ total: number }>('/api/leads/list.json', {
      limit: 1,
    });
    const checks: Check[] = [
      check('telegram: every webhook answered 200', [], refused),
      check('telegram: leads recorded for the /starts', opts.starts, leads.total),
      check('telegram: subscribers holding exactly one welcome', opts.starts, withOneWelcome),
      check('telegram: personal invite links handed out', opts.starts, links.size),
    ];
    return {
      figures: [
        {
          id: 'telegram.start-answer',
          label: `webhook answer to a /start, p95, Bot API at ${BOT_API_LATENCY_MS} ms, ${ARRIVALS_PER_SECOND} starts/s`,
          value: p95,
          unit: 'ms',
          target: { value: 0.2 * BOT_API_LATENCY_MS, goal: 'atMost' },
          detail: `p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms; all accepted in ${accepted.toFixed(1)} s`,
        },
        {
          id: 'telegram.welcome-rate',
          label: `welcomes per second in a burst, ÷ the configured ${TELEGRAM_RATE}/s`,
          value: welcomeRate / TELEGRAM_RATE,
          unit: '',
          ratioOnly: true,
          target: { value: 0.9, goal: 'atLeast' },
          detail: `${welcomeRate.toFixed(1)} welcomes/s, ${opts.starts} in ${seconds.toFixed(1)} s; ${state.floodAnswers} answers 429`,
        },
      ],
      checks,
      notes: [],
    };
  } finally {
    await app.close();
    await telegram.stop();
    removeDir(dataDir);
  }
}
