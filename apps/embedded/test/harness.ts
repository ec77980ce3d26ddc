import { loadConfig } from '@subtrack/config';
import { Topics } from '@subtrack/contracts';
import { startEmbedded, type EmbeddedApp } from '@subtrack/embedded';
import { replay } from '@subtrack/replay';
import { LEAD_PROJECTION_GROUP } from '@subtrack/lead-projection';
import { STATS_GROUP } from '@subtrack/stats';
import type { CatalogStore, EventLog, IngestStore, WelcomeStore } from '@subtrack/ports';
import { inviteLinkButtons, startFakeTelegram, type RunningFakeTelegram } from '@subtrack/telegram-fake';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ADMIN = 'e2e-admin-token';

/**
 * The stacks' postback retry schedule: attempts at most this far apart (POSTBACK_RETRY_MAX_MS, an
 * hour in production), so once a receiver is back every owed delivery is tried again within
 * seconds, however long the outage before it lasted on a busy machine.
 */
export const RETRY_MAX_MS = 10_000;

/** The membership recheck at a pace a test can wait for: a getChatMember every 100 ms per bot. */
export const RECHECK_PER_MINUTE = 600;

/** Welcomes held for an unhealthy bot or chat look again this often. */
export const WELCOME_HOLD_MS = 200;

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

/** A running product and the fake Telegram it talks to, whichever way it is deployed. */
export interface Stack {
  telegram: RunningFakeTelegram;
  /** Base URL of the HTTP API. */
  url: string;
  /** Base URL Telegram's webhooks go to (the ingest service). */
  webhookUrl: string;
  /** The product's notion of "now" (Unix seconds) when tests can move it; null: the system clock. */
  clock: { now: number } | null;
  catalog: CatalogStore;
  ingest: IngestStore;
  /** Stops every process abruptly (kill -9 where there are processes) and starts them again. */
  restart(): Promise<void>;
  /** Stops the product, rebuilds every projection from the event log, starts it again. */
  replay(): Promise<void>;
  /** Resolves once Telegram delivered everything and every projection caught up. */
  settled(): Promise<void>;
  /** The tail of each service process's log, for a failure message. */
  logs(): string;
  close(): Promise<void>;
}

/**
 * Waits until the fake delivered everything, every welcome went out and the log shows no consumer
 * lag. In this order: the starts are projected (which queues their welcomes), the welcomes went out
 * (the sender logs a link it made before it records the welcome as sent), that link is projected.
 */
export async function settle(
  telegram: RunningFakeTelegram,
  log: EventLog,
  welcomes: WelcomeStore,
  // A thousand updates take a second or two on a quiet machine; with the distributed suite's six
  // processes, Kafka and the MongoDB-protocol server on the same two cores, once over 20 s.
  timeoutMs = 60_000,
): Promise<void> {
  await telegram.fake.idle({ timeoutMs });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const done =
      (await log.lag(LEAD_PROJECTION_GROUP, Topics.telegram)) === 0 &&
      (await welcomes.backlog()).pending === 0 &&
      (await log.lag(LEAD_PROJECTION_GROUP, Topics.telegram)) === 0 &&
      (await log.lag(STATS_GROUP, Topics.leads)) === 0;
    if (done) return;
    if (Date.now() > deadline) throw new Error(`projections did not catch up within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

type TelegramMode = 'webhook' | 'polling';

export interface EmbeddedStack extends Stack {
  /** Restarts on the same data dir receiving Telegram updates the other way. */
  restartIn(mode: TelegramMode): Promise<void>;
  /** Every route the HTTP server answers, read from its router (so a new route is listed too). */
  routes(): { method: string; path: string }[];
}

/** Fake Bot API + the embedded product on a temporary data dir, wired by webhook or polling. */
export async function startStack(
  opts: { mode?: TelegramMode; env?: Record<string, string> } = {},
): Promise<EmbeddedStack> {
  const telegram = await startFakeTelegram({ port: 0, webhookRetryMs: 50 });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'subtrack-e2e-'));
  const port = await freePort();
  const clock = { now: Math.floor(Date.now() / 1000) };
  const configFor = (mode: TelegramMode) =>
    loadConfig({
      PORT: String(port),
      DATA_DIR: dataDir,
      ADMIN_TOKEN: ADMIN,
      TELEGRAM_API_ROOT: telegram.url,
      TELEGRAM_MODE: mode,
      BOT_REFRESH_MS: '200',
      POSTBACK_ALLOW_PRIVATE: '1',
      POSTBACK_RETRY_MAX_MS: String(RETRY_MAX_MS),
      TELEGRAM_RECHECK_PER_MINUTE: String(RECHECK_PER_MINUTE),
      WELCOME_HOLD_MS: String(WELCOME_HOLD_MS),
      ...(mode === 'polling' ? {} : { PUBLIC_URL: `http://127.0.0.1:${port}` }),
      ...opts.env,
    });
  let config = configFor(opts.mode ?? 'webhook');
  const boot = () => startEmbedded({ config, clock: () => clock.now, logger: ['error'], idlePollMs: 50 });
  let app: EmbeddedApp = await boot();
  const stack: EmbeddedStack = {
    telegram,
    url: app.url,
    webhookUrl: app.url,
    clock,
    get catalog() {
      return app.adapters.catalog;
    },
    get ingest() {
      return app.adapters.ingest;
    },
    async restart() {
      await app.close();
      // Let the HTTP client see its pooled keep-alive sockets close before the port is reused.
      await new Promise((r) => setTimeout(r, 200));
      app = await boot();
    },
    async restartIn(mode) {
      config = configFor(mode);
      await stack.restart();
    },
    async replay() {
      await app.close();
      await replay(config);
      await new Promise((r) => setTimeout(r, 200));
      app = await boot();
    },
    settled: () => settle(telegram, app.adapters.eventLog, app.adapters.welcomes),
    logs: () => 'embedded: the product logs to this test output',
    routes() {
      const express = app.app.getHttpAdapter().getInstance() as {
        router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
      };
      return express.router.stack.flatMap((layer) =>
        // The middleware catch-all (every method, a wildcard path) is no route of its own.
        layer.route && !layer.route.path.includes('*')
          ? Object.keys(layer.route.methods).map((method) => ({
              method: method.toUpperCase(),
              path: layer.route!.path,
            }))
          : [],
      );
    },
    async close() {
      await app.close();
      telegram.fake.dispose();
      await telegram.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return stack;
}

export interface ApiAnswer {
  status: number;
  body: any;
  headers: Headers;
}

/** A client of the product's HTTP API holding one account's key. */
export class Api {
  constructor(
    private readonly stack: Stack,
    readonly key: string = '',
  ) {}

  private get base(): string {
    return this.stack.url;
  }

  async get(route: string, params: Record<string, string | number> = {}): Promise<ApiAnswer> {
    const qs = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
    const res = await fetch(`${this.base}${route}${qs.size ? `?${qs}` : ''}`, {
      headers: this.key ? { authorization: `Bearer ${this.key}` } : {},
    });
    const text = await res.text();
    return {
      status: res.status,
      body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
      headers: res.headers,
    };
  }

  async post(route: string, body: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> {
    const res = await fetch(`${this.base}${route}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.key ? { authorization: `Bearer ${this.key}` } : {}),
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json(), headers: res.headers };
  }

  /** GET that must succeed; returns `data` (and `total` when present). */
  async ok(route: string, params: Record<string, string | number> = {}): Promise<any> {
    const res = await this.get(route, params);
    if (res.status !== 200 || res.body.status !== 'ok')
      throw new Error(`${route} → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
}

/** Creates an account through the admin endpoint and returns a client holding its key. */
export async function createAccount(
  stack: Stack,
  name: string,
  timezone?: string,
): Promise<{ id: number; api: Api }> {
  const res = await new Api(stack).post(
    '/api/admin/accounts/add.json',
    { name, ...(timezone ? { timezone } : {}) },
    { 'x-admin-token': ADMIN },
  );
  if (res.status !== 200) throw new Error(JSON.stringify(res.body));
  return { id: res.body.data.id, api: new Api(stack, res.body.data.api_key) };
}

/** Registers a fake bot with the account, adds it as admin to a new chat, waits for the chat. */
export async function botWithChat(stack: Stack, api: Api, username: string, title: string) {
  const bot = stack.telegram.fake.createBot({ username });
  const added = await api.post('/api/bots/add.json', { token: bot.token });
  if (added.status !== 200) throw new Error(JSON.stringify(added.body));
  const chat = stack.telegram.fake.createChat({ title, type: 'supergroup' });
  stack.telegram.fake.addBotToChat(bot, chat, { admin: true });
  await stack.settled();
  return { bot, chat };
}

/** A campaign of the account on a bot and chat; `fields` as campaigns/add.json takes them. */
export async function addCampaign(
  api: Api,
  on: { bot: { id: number }; chat: { id: number } },
  fields: Record<string, unknown>,
): Promise<{ id: number; code: string; link: string }> {
  const added = await api.post('/api/campaigns/add.json', { bot: on.bot.id, chat: on.chat.id, ...fields });
  if (added.status !== 200) throw new Error(JSON.stringify(added.body));
  return added.body.data;
}

/** The invite link the bot sent a user in its latest /start reply. */
export function lastInviteLink(stack: Stack, userId: number): string {
  const messages = stack.telegram.fake.messagesSentTo(userId);
  for (let i = messages.length - 1; i >= 0; i--) {
    const [url] = inviteLinkButtons(messages[i]!);
    if (url) return url;
  }
  throw new Error(`no invite link was sent to ${userId}`);
}

export const utc = (iso: string): number => Math.floor(Date.parse(`${iso}Z`) / 1000);

/** The UTC calendar day `n` days from the one holding `unix`. */
export const utcDay = (unix: number, n = 0): string =>
  new Date((unix + n * 86_400) * 1000).toISOString().slice(0, 10);

/**
 * Waits until UTC midnight is at least `aheadS` seconds ahead and `behindS` seconds behind: the
 * scenario stamps some events a minute before "now", which must still fall on today.
 */
export async function clearOfUtcMidnight(aheadS: number, behindS = 300): Promise<void> {
  const sinceMidnight = Math.floor(Date.now() / 1000) % 86_400;
  const toMidnight = 86_400 - sinceMidnight;
  if (toMidnight > aheadS && sinceMidnight >= behindS) return;
  const waitS = toMidnight <= aheadS ? toMidnight + behindS : behindS - sinceMidnight;
  await new Promise((r) => setTimeout(r, (waitS + 1) * 1000));
}

/** The value of one sample of a Prometheus exposition text, or undefined when it is absent. */
export function metricSample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const wanted = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (wanted) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}
