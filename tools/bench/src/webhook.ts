import { FakeTelegramClient } from '@subtrack/telegram-fake';
import { fork } from 'node:child_process';
import path from 'node:path';
import { ChildServer } from './child';
import { setUpThroughApi } from './ingest';
import type { LoadRequest, LoadResult } from './load-generator';
import {
  ProductApi,
  freePort,
  productConfig,
  projectionsCaughtUp,
  removeDir,
  startProduct,
  tempDataDir,
} from './product';
import { percentile } from './api-latency';
import { check, type BenchResult } from './report';

/** Telegram opens up to 40 connections to a webhook. */
export const CONNECTIONS = 40;
const WARMUP_SECONDS = 1;

export interface WebhookOptions {
  seconds: number;
  seed: number;
  log: (line: string) => void;
}

/** Runs the load generator in a process of its own and returns what it measured. */
export function load(request: LoadRequest): Promise<LoadResult> {
  const child = fork(path.join(__dirname, 'load-generator.js'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { type: 'result'; result: LoadResult } | { type: 'error'; message: string }) =>
      m.type === 'result' ? resolve(m.result) : reject(new Error(`load generator: ${m.message}`)),
    );
    child.once('exit', (code) => reject(new Error(`load generator exited with ${code}`)));
    child.send(request);
  });
}

/** An organic join of user `__N__` to the chat, as Telegram sends it; `__N__` is also the update id. */
export function joinTemplate(chat: number, date: number): string {
  const user = { id: '__U__', is_bot: false, first_name: 'Bench' };
  const update = {
    update_id: '__U__',
    chat_member: {
      chat: { id: chat, title: 'Bench chat', type: 'supergroup' },
      from: user,
      date,
      old_chat_member: { user, status: 'left' },
      new_chat_member: { user, status: 'member' },
    },
  };
  return JSON.stringify(update).replaceAll('"__U__"', '__N__');
}

/**
 * Webhook throughput: organic `chat_member` joins, each a distinct update, POSTed from 40
 * keep-alive connections for a fixed time, first to a bare Node HTTP server that only reads and
 * parses the body (the anchor), then to the embedded product's webhook route with its projections
 * running in the same process. Afterwards every update answered 200 must be in the journal once.
 */
export async function webhookIngest(opts: WebhookOptions): Promise<BenchResult> {
  const telegram = await ChildServer.start('fake-server.js', [String(opts.seed)]);
  const fake = new FakeTelegramClient(telegram.url);
  const dataDir = tempDataDir('webhook');
  const port = await freePort();
  const app = await startProduct(
    productConfig(dataDir, {
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      TELEGRAM_API_ROOT: telegram.url,
      TELEGRAM_MODE: 'webhook',
    }),
  );
  try {
    const setup = await setUpThroughApi(app, fake);
    const bot = (await app.adapters.catalog.getBot(setup.bot.id))!;
    // From here on this benchmark is Telegram's webhook delivery.
    await fetch(`${telegram.url}/bot${bot.token}/deleteWebhook`, { method: 'POST' });
    const template = joinTemplate(setup.chat, Math.floor(Date.now() / 1000) - 3600);
    const api = new ProductApi(app.url, setup.key);
    const journalBefore = (await api.get<{ total: number }>('/api/journal/list.json', { limit: 1 })).total;

    const run = (url: string, headers: Record<string, string>, first: number, seconds: number) =>
      load({ url, headers, template, first, connections: CONNECTIONS, seconds });

    const bare = await ChildServer.start('bare-server.js', []);
    let anchor: LoadResult;
    try {
      await run(`${bare.url}/`, {}, 1, WARMUP_SECONDS);
      anchor = await run(`${bare.url}/`, {}, 1, opts.seconds);
    } finally {
      await bare.stop();
    }
    const webhook = `${app.url}/telegram/webhook/${bot.id}`;
    const secret = { 'x-telegram-bot-api-secret-token': bot.secret };
    // User ids (and update ids) from 2,000,000,000 on: nobody the setup made.
    const warm = await run(webhook, secret, 2_000_000_000, WARMUP_SECONDS);
    const product = await run(webhook, secret, 2_000_000_000 + warm.requests + 1, opts.seconds);
    await projectionsCaughtUp(app.adapters.eventLog, { timeoutMs: 600_000 });
    const journalAfter = (await api.get<{ total: number }>('/api/journal/list.json', { limit: 1 })).total;

    const rate = (r: LoadResult): number => r.requests / r.seconds;
    const ms = (r: LoadResult, p: number): string => percentile(r.latencies, p / 100).toFixed(1);
    const accepted = warm.requests + product.requests;
    return {
      figures: [
        {
          id: 'ingest.webhook',
          label: `webhook ingest, organic joins, ${CONNECTIONS} connections`,
          value: rate(product),
          unit: 'req/s',
          detail: `p50 ${ms(product, 50)} ms, p99 ${ms(product, 99)} ms over ${product.requests.toLocaleString('en-US')} requests`,
        },
        {
          id: 'ingest.webhook.vs-bare',
          label: 'webhook ingest ÷ a bare Node HTTP server reading and parsing the same bodies',
          value: rate(product) / rate(anchor),
          unit: '',
          ratioOnly: true,
          target: { value: 0.3, goal: 'atLeast' },
          detail: `${Math.round(rate(product)).toLocaleString('en-US')} ÷ ${Math.round(rate(anchor)).toLocaleString('en-US')} req/s (bare p50 ${ms(anchor, 50)} ms)`,
        },
      ],
      checks: [
        check('webhook: every update answered 200', {}, { ...warm.refused, ...product.refused }),
        check('webhook: each answered update in the journal once', accepted, journalAfter - journalBefore),
      ],
      notes: [],
    };
  } finally {
    await app.close();
    await telegram.stop();
    removeDir(dataDir);
  }
}
