import { ConsumerGroups, Topics, type Topic } from '@subtrack/contracts';
import { openKafkaLog, type KafkaEventLog } from '@subtrack/kafka';
import { dropMongoDatabase, openMongoStores } from '@subtrack/mongo';
import { FakeTelegramClient } from '@subtrack/telegram-fake';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { ChildServer } from './child';
import { setUpThroughApi } from './ingest';
import { ADMIN_TOKEN, ProductApi, freePort, sleep } from './product';
import { check, type BenchResult, type Check, type Figure } from './report';
import { CONNECTIONS, joinTemplate, load } from './webhook';
import { percentile } from './api-latency';

const ROOT = path.resolve(__dirname, '../../..');
const SERVERS = path.join(ROOT, 'scripts', 'servers');
const PARTITIONS = 4;
/** SPEC §9: ingest → projections, distributed, one instance each. */
const PIPELINE_TARGET = 5_000;
/** Kafka's perf tools send records of about the size of a logged membership event. */
const EVENT_BYTES = 600;
/** Issue target when the MongoDB-protocol server is what limits the pipeline. */
const VS_STORE_TARGET = 0.5;

export interface DistributedOptions {
  updates: number;
  seed: number;
  log: (line: string) => void;
}

interface Servers {
  brokers: string;
  mongoUrl: string;
  /** Stops the servers this run started; nothing when they were already running. */
  release(): void;
}

/** `scripts/servers/local.js`, shared with the jest global setup. */
const local = createRequire(__filename)(path.join(SERVERS, 'local.js')) as {
  useServers(): { KAFKA_BROKERS: string; MONGO_URL: string; started: boolean };
  stopServers(): void;
};

/** KAFKA_BROKERS / MONGO_URL when set; otherwise the local servers of `scripts/servers`. */
function servers(log: (line: string) => void): Servers {
  const found = local.useServers();
  if (found.started) log('  started the local Kafka and MongoDB-protocol servers');
  return {
    brokers: found.KAFKA_BROKERS,
    mongoUrl: found.MONGO_URL,
    release: () => {
      if (found.started) local.stopServers();
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// CPU time of the processes involved, from /proc, to say which one limits a run

/** user + system CPU seconds of a process, or 0 once it is gone. */
function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Pids of the server processes, by what they are: the broker, FerretDB, its PostgreSQL. */
function serverPids(): Record<string, number[]> {
  const out: Record<string, number[]> = { kafka: [], ferretdb: [], postgresql: [] };
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmd = '';
    try {
      cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmd.includes('kafka.Kafka')) out['kafka']!.push(Number(entry));
    else if (cmd.split('\0')[0]!.endsWith('ferretdb')) out['ferretdb']!.push(Number(entry));
    else if (cmd.startsWith('postgres')) out['postgresql']!.push(Number(entry));
  }
  return out;
}

/** Busy and total CPU time of the whole machine, all cores, in clock ticks. */
function machineTicks(): { busy: number; total: number } {
  const [, ...ticks] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const n = ticks.map(Number);
  const total = n.reduce((a, b) => a + b, 0);
  // idle and iowait are the 4th and 5th fields.
  return { busy: total - n[3]! - n[4]!, total };
}

class CpuMeter {
  private readonly start = new Map<number, number>();
  private readonly t0 = performance.now();
  private readonly machine0 = machineTicks();

  constructor(private readonly groups: () => Record<string, number[]>) {
    for (const pids of Object.values(groups())) for (const pid of pids) this.start.set(pid, cpuSeconds(pid));
  }

  /** The share of all the machine's cores that was busy, with whatever ran on it. */
  machine(): number {
    const now = machineTicks();
    return (now.busy - this.machine0.busy) / (now.total - this.machine0.total);
  }

  /** Each group's CPU over the meter's life as a share of one core, busiest first. */
  read(): [string, number][] {
    const seconds = (performance.now() - this.t0) / 1000;
    return Object.entries(this.groups())
      .map(([name, pids]): [string, number] => [
        name,
        pids.reduce((sum, pid) => sum + cpuSeconds(pid) - (this.start.get(pid) ?? 0), 0) / seconds,
      ])
      .sort((a, b) => b[1] - a[1]);
  }
}

const cores = (usage: [string, number][]): string =>
  usage.map(([name, share]) => `${name} ${(share * 100).toFixed(0)} %`).join(', ');

// ---------------------------------------------------------------------------------------------------
// Anchors: Kafka's own perf tools and the MongoDB-protocol server's own bulk inserts

function kafkaPerf(
  command: 'perf-producer' | 'perf-consumer',
  n: number,
  env: Record<string, string>,
): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      'bash',
      [path.join(SERVERS, 'kafka.sh'), command, String(n)],
      { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) =>
        err ? reject(new Error(`kafka.sh ${command}: ${stderr || err.message}`)) : resolve(stdout),
    ),
  );
}

/**
 * ProducerPerformance then ConsumerPerformance on a topic of their own, records the size of the
 * pipeline's events. The consumer figure is its fetch rate (`fetch.nMsg.sec`: group join left out).
 */
async function kafkaAnchors(
  brokers: string,
  n: number,
  recordSize: number,
): Promise<{ producer: number; consumer: number }> {
  const port = brokers.split(',')[0]!.split(':')[1]!;
  const env = {
    KAFKA_PORT: port,
    KAFKA_PERF_TOPIC: `bench-perf-${randomUUID().slice(0, 8)}`,
    KAFKA_PERF_RECORD_SIZE: String(recordSize),
  };
  const produced = await kafkaPerf('perf-producer', n, env);
  const p = /(\d+) records sent, ([\d.]+) records\/sec/.exec(produced.trim().split('\n').pop() ?? '');
  if (!p) throw new Error(`ProducerPerformance said:\n${produced}`);
  const consumed = await kafkaPerf('perf-consumer', n, env);
  const lines = consumed.trim().split('\n');
  const header = lines.findIndex((l) => l.includes('fetch.nMsg.sec'));
  const names = lines[header]?.split(',').map((s) => s.trim()) ?? [];
  const values = lines[header + 1]?.split(',').map((s) => s.trim()) ?? [];
  const consumer = Number(values[names.indexOf('fetch.nMsg.sec')]);
  if (header < 0 || !Number.isFinite(consumer)) throw new Error(`ConsumerPerformance said:\n${consumed}`);
  return { producer: Number(p[2]), consumer };
}

/** The server's own rate for the journal rows the pipeline writes: unordered bulk inserts of 500. */
async function storeAnchor(mongoUrl: string, n: number): Promise<number> {
  const url = new URL(mongoUrl);
  url.pathname = `/subtrack_bench_store_${randomUUID().slice(0, 8)}`;
  const conn = await mongoose.createConnection(url.toString()).asPromise();
  try {
    const journal = conn.collection('journal');
    await journal.createIndex({ account: 1, time: -1, _id: -1 });
    const t0 = performance.now();
    for (let i = 0; i < n; i += 500) {
      const docs = Array.from({ length: Math.min(500, n - i) }, (_, k) => ({
        _id: (i + k + 1) * 64,
        account: 1,
        bot: 7_000_000_001,
        chat: -1_001_000_000_001,
        subscriber: 2_000_000_000 + i + k,
        username: '',
        action: 'join',
        paid: 0,
        time: 1_700_000_000 + i + k,
      }));
      await journal.insertMany(docs as never[], { ordered: false });
    }
    return n / ((performance.now() - t0) / 1000);
  } finally {
    await conn.dropDatabase();
    await conn.close();
  }
}

// ---------------------------------------------------------------------------------------------------
// The deployment: each service its own process, as the README starts them

interface Deployment {
  api: string;
  mongoUrl: string;
  webhook: string;
  log: KafkaEventLog;
  /** Pids of the running service processes, by service. */
  pids(): Record<string, number[]>;
  /** Starts one more instance of a service. */
  add(service: string): void;
  /** Kills the oldest running instance of a service with SIGKILL. */
  kill(service: string): void;
  close(): Promise<void>;
}

async function untilHttp(url: string, timeoutMs: number, logs: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} did not come up\n${logs()}`);
      await sleep(100);
    }
  }
}

async function deploy(
  s: Servers,
  telegramUrl: string,
  instances: { projection: number; stats: number },
  extraEnv: Record<string, string> = {},
): Promise<Deployment> {
  const run = randomUUID().slice(0, 8);
  const mongo = new URL(s.mongoUrl);
  mongo.pathname = `/subtrack_bench_${run}`;
  const [ingestPort, apiPort] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    KAFKA_BROKERS: s.brokers,
    MONGO_URL: mongo.toString(),
    KAFKA_TOPIC_PREFIX: `bench-${run}.`,
    KAFKA_PARTITIONS: String(PARTITIONS),
    ADMIN_TOKEN,
    TELEGRAM_API_ROOT: telegramUrl,
    TELEGRAM_MODE: 'webhook',
    PUBLIC_URL: `http://127.0.0.1:${ingestPort}`,
    API_RATE_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    ...extraEnv,
  };
  const children: ChildProcess[] = [];
  const services = new Map<ChildProcess, string>();
  const tails = new Map<ChildProcess, string>();
  const logs = () => [...tails.values()].join('\n');
  const start = (service: string, port: number) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'apps', service, 'dist', 'main.js')], {
      env: { ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) =>
      tails.set(child, `${service}: ${((tails.get(child) ?? '') + chunk.toString()).slice(-2000)}`);
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    children.push(child);
    services.set(child, service);
  };
  start('ingest', ingestPort);
  start('api-gateway', apiPort);
  for (let i = 0; i < instances.projection; i++) start('lead-projection', 0);
  for (let i = 0; i < instances.stats; i++) start('stats', 0);
  const log = await openKafkaLog({
    brokers: s.brokers.split(','),
    clientId: 'bench',
    prefix: env.KAFKA_TOPIC_PREFIX,
    partitions: PARTITIONS,
    log: () => undefined,
  });
  const close = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
          }),
      ),
    );
    await log.close();
    await dropMongoDatabase(mongo.toString());
  };
  try {
    await untilHttp(`http://127.0.0.1:${apiPort}/health`, 60_000, logs);
    await untilHttp(`http://127.0.0.1:${ingestPort}/health`, 60_000, logs);
    // Each consumer group stable, every instance holding partitions: the run starts balanced.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const groups: [string, Topic, number][] = [
        [ConsumerGroups.leadProjection, Topics.telegram, instances.projection],
        [ConsumerGroups.stats, Topics.leads, instances.stats],
      ];
      const ready = await Promise.all(
        groups.map(async ([group, topic, n]) => {
          const status = await log.groupStatus(group, topic).catch(() => null);
          return status?.state === 'Stable' && status.members.length === n;
        }),
      );
      if (ready.every(Boolean)) break;
      const dead = children.find((c) => c.exitCode !== null);
      if (dead || Date.now() > deadline) throw new Error(`the services did not come up\n${logs()}`);
      await sleep(200);
    }
  } catch (err) {
    await close();
    throw err;
  }
  return {
    api: `http://127.0.0.1:${apiPort}`,
    mongoUrl: mongo.toString(),
    webhook: `http://127.0.0.1:${ingestPort}`,
    log,
    pids: () => {
      const out: Record<string, number[]> = {};
      for (const c of children) if (c.exitCode === null) (out[services.get(c)!] ??= []).push(c.pid!);
      return out;
    },
    add: (service) => start(service, 0),
    kill: (service) => {
      const victim = children.find((c) => services.get(c) === service && c.exitCode === null && !c.killed);
      if (!victim) throw new Error(`no running ${service} to kill`);
      victim.kill('SIGKILL');
    },
    close,
  };
}

/** Resolves once both consumer groups have committed everything (lag 0 twice in a row). */
async function caughtUp(stack: Deployment): Promise<void> {
  let quiet = 0;
  const deadline = Date.now() + 3_600_000;
  while (quiet < 2) {
    const lag =
      (await stack.log.lag(ConsumerGroups.leadProjection, Topics.telegram)) +
      (await stack.log.lag(ConsumerGroups.stats, Topics.leads));
    quiet = lag === 0 ? quiet + 1 : 0;
    if (Date.now() > deadline) throw new Error(`the consumers did not catch up (lag ${lag})`);
    if (quiet < 2) await sleep(lag === 0 ? 50 : 250);
  }
}

/**
 * An account, a bot and its chat, and campaigns made through the API; the bot's webhook secret read
 * from the store, and Telegram told to stop delivering, so the load generator is the only sender.
 */
async function setUpForLoad(stack: Deployment, fake: FakeTelegramClient, telegramUrl: string) {
  const setup = await setUpThroughApi({ url: stack.api }, fake);
  const stores = await openMongoStores(stack.mongoUrl);
  const bot = (await stores.catalog.getBot(setup.bot.id))!;
  await stores.close();
  await fetch(`${telegramUrl}/bot${bot.token}/deleteWebhook`, { method: 'POST' });
  return { setup, bot };
}

interface PipelineRun {
  rate: number;
  accepted: { rate: number; p99: number };
  seconds: number;
  usage: [string, number][];
  /** Share of all cores busy over the run, the load generator and this process included. */
  machine: number;
  checks: Check[];
}

/**
 * Organic joins POSTed to the ingest webhook from 40 connections, as Telegram delivers them; the
 * clock runs from the first request until both consumer groups have committed everything (lag 0
 * twice in a row), and the API's numbers are checked against what was sent.
 */
async function pipeline(
  s: Servers,
  opts: DistributedOptions,
  instances: { projection: number; stats: number },
): Promise<PipelineRun> {
  const telegram = await ChildServer.start('fake-server.js', [String(opts.seed)]);
  const fake = new FakeTelegramClient(telegram.url);
  const stack = await deploy(s, telegram.url, instances);
  try {
    const { setup, bot } = await setUpForLoad(stack, fake, telegram.url);
    const api = new ProductApi(stack.api, setup.key);
    const before = (await api.get<{ total: number }>('/api/journal/list.json', { limit: 1 })).total;

    const meter = new CpuMeter(() => ({ ...serverPids(), ...stack.pids() }));
    const t0 = performance.now();
    const sent = await load({
      url: `${stack.webhook}/telegram/webhook/${bot.id}`,
      headers: { 'x-telegram-bot-api-secret-token': bot.secret },
      template: joinTemplate(setup.chat, Math.floor(Date.now() / 1000) - 3600),
      first: 2_000_000_000,
      connections: CONNECTIONS,
      seconds: 3600,
      count: opts.updates,
    });
    await caughtUp(stack);
    const seconds = (performance.now() - t0) / 1000;
    const usage = meter.read();
    const machine = meter.machine();

    const journal = (await api.get<{ total: number }>('/api/journal/list.json', { limit: 1 })).total;
    const summary = await api.get<{ data: { organic_joins: number } }>('/api/stats/summary.json');
    const label = `distributed (${instances.projection} lead-projection, ${instances.stats} stats)`;
    return {
      rate: sent.requests / seconds,
      accepted: { rate: sent.requests / sent.seconds, p99: percentile(sent.latencies, 0.99) },
      seconds,
      usage,
      machine,
      checks: [
        check(`${label}: every update answered 200`, {}, sent.refused),
        check(`${label}: journal total grew by the updates sent`, opts.updates, journal - before),
        check(
          `${label}: organic joins in the summary equal the updates sent`,
          opts.updates,
          summary.data.organic_joins,
        ),
      ],
    };
  } finally {
    await stack.close();
    await telegram.stop();
  }
}

// ---------------------------------------------------------------------------------------------------
// Rebalance: an instance added and one killed with SIGKILL while paid traffic goes through

/** At most this many postbacks are in flight in one lead-projection process (its sender's concurrency). */
const POSTBACKS_IN_FLIGHT = 10;

/**
 * A `/start <code>-c<N>` from user N in their private chat with the bot. Update ids end in 0 here
 * and in 1 for the same user's join, so the two never collide.
 */
function startTemplate(code: string, date: number): string {
  const user = { id: '__U__', is_bot: false, first_name: 'Bench' };
  const update = {
    update_id: '__S__',
    message: {
      message_id: '__U__',
      from: user,
      chat: { id: '__U__', type: 'private', first_name: 'Bench' },
      date,
      text: `/start ${code}-c__N__`,
      entities: [{ type: 'bot_command', offset: 0, length: 6 }],
    },
  };
  return JSON.stringify(update).replaceAll('"__U__"', '__N__').replace('"__S__"', '__N__0');
}

/** User N joining the chat without a link: the product gives the join to N's lead by subscriber. */
function paidJoinTemplate(chat: number, date: number): string {
  return joinTemplate(chat, date).replace('"update_id":__N__', '"update_id":__N__1');
}

/** A postback receiver that counts each request by its `k` parameter ("<lead>.<status>"). */
async function postbackReceiver(): Promise<{
  url: string;
  seen: Map<string, number>;
  close(): Promise<void>;
}> {
  const seen = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const k = new URL(req.url ?? '/', 'http://x').searchParams.get('k') ?? '';
    seen.set(k, (seen.get(k) ?? 0) + 1);
    req.resume();
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface RebalanceRun {
  figure: Figure;
  checks: Check[];
  note: string;
}

/**
 * Subscribers of the rebalance run at most. It checks correctness, not speed, and what it polls
 * (postbacks by state, the outbox's due ones) FerretDB 1.x answers by reading the whole postbacks
 * collection, where MongoDB reads its (state, nextAt) index: at 10,000 subscribers the local
 * server spent over 20 minutes on those scans alone.
 */
const REBALANCE_SUBSCRIBERS = 1_000;

/**
 * Paid traffic (a /start, then a join, per subscriber; wait and approve postbacks to a local
 * receiver) through one instance of each service. A quarter into the joins a second
 * lead-projection and a second stats instance join their groups; half-way the first
 * lead-projection is killed with SIGKILL. Afterwards the API's numbers must equal what was sent,
 * every postback must have arrived, and only what the killed process had in flight may arrive twice.
 */
async function rebalance(s: Servers, opts: DistributedOptions): Promise<RebalanceRun> {
  const n = Math.min(REBALANCE_SUBSCRIBERS, Math.max(200, Math.floor(opts.updates / 2)));
  const telegram = await ChildServer.start('fake-server.js', [String(opts.seed)]);
  const fake = new FakeTelegramClient(telegram.url);
  const receiver = await postbackReceiver();
  const stack = await deploy(
    s,
    telegram.url,
    { projection: 1, stats: 1 },
    // The welcomes of the /starts go out beside the run without holding it back for minutes.
    { POSTBACK_ALLOW_PRIVATE: '1', TELEGRAM_RATE_PER_BOT: '1000' },
  );
  try {
    const { setup, bot } = await setUpForLoad(stack, fake, telegram.url);
    const api = new ProductApi(stack.api, setup.key);
    await api.post('/api/postbacks/global.json', {
      postbacks: { wait: `${receiver.url}?k={lead}.{status}`, approve: `${receiver.url}?k={lead}.{status}` },
    });
    const campaign = setup.campaigns.find((c) => c.joinMode === 'direct')!;
    const journalTotal = async () =>
      (await api.get<{ total: number }>('/api/journal/list.json', { limit: 1 })).total;
    const before = await journalTotal();
    const date = Math.floor(Date.now() / 1000) - 3600;
    const request = {
      url: `${stack.webhook}/telegram/webhook/${bot.id}`,
      headers: { 'x-telegram-bot-api-secret-token': bot.secret },
      first: 3_000_000_000,
      connections: CONNECTIONS,
      seconds: 3600,
      count: n,
    };

    const t0 = performance.now();
    const starts = await load({ ...request, template: startTemplate(campaign.code, date) });
    const joins = load({ ...request, template: paidJoinTemplate(setup.chat, date + 60) });
    const disturbed = (async () => {
      while ((await journalTotal()) < before + n / 4) await sleep(100);
      stack.add('lead-projection');
      stack.add('stats');
      while ((await journalTotal()) < before + n / 2) await sleep(100);
      stack.kill('lead-projection');
    })();
    const joined = await joins;
    await disturbed;
    await caughtUp(stack);
    // Every postback owed is out: the killed process's leases run out and the survivor sends them.
    const deadline = Date.now() + 600_000;
    for (;;) {
      const pending = await api.get<{ total: number }>('/api/postbacks/list.json', {
        state: 'pending',
        limit: 1,
      });
      const delivered = await api.get<{ total: number }>('/api/postbacks/list.json', {
        state: 'delivered',
        limit: 1,
      });
      if (pending.total === 0 && delivered.total >= 2 * n) break;
      if (Date.now() > deadline)
        throw new Error(`postbacks not delivered: ${pending.total} pending, ${delivered.total} delivered`);
      await sleep(250);
    }
    const seconds = (performance.now() - t0) / 1000;

    const leads = await api.get<{ total: number }>('/api/leads/list.json', { limit: 1 });
    const summary = await api.get<{ data: { starts: number; confirms: number; organic_joins: number } }>(
      '/api/stats/summary.json',
      { from: date - 86_400 },
    );
    // Each lead the API lists is owed one wait and one approve postback, no more.
    let missing = 0;
    let doubled = 0;
    for (let offset = 0; offset < leads.total; offset += 200) {
      const page = await api.get<{ data: { id: number }[] }>('/api/leads/list.json', { limit: 200, offset });
      for (const { id } of page.data) {
        for (const status of ['wait', 'approve']) {
          const times = receiver.seen.get(`${id}.${status}`) ?? 0;
          if (times === 0) missing++;
          doubled += Math.max(0, times - 1);
        }
      }
    }
    const label = 'distributed rebalance (an instance added, one killed)';
    return {
      figure: {
        id: 'distributed.rebalance',
        label: 'paid traffic while an instance is added and one killed -9 (updates/s)',
        value: (2 * n) / seconds,
        unit: '/s',
        detail: `${n.toLocaleString('en-US')} /starts and joins, ${(2 * n).toLocaleString('en-US')} postbacks, in ${seconds.toFixed(1)} s, every postback delivered; ${doubled} sent twice (bound: ${POSTBACKS_IN_FLIGHT} in flight)`,
      },
      checks: [
        check(`${label}: every update answered 200`, {}, { ...starts.refused, ...joined.refused }),
        check(`${label}: leads total equals the /starts sent`, n, leads.total),
        check(`${label}: journal total grew by the joins sent`, n, (await journalTotal()) - before),
        check(
          `${label}: starts and confirms in the summary equal the subscribers`,
          [n, n, 0],
          [summary.data.starts, summary.data.confirms, summary.data.organic_joins],
        ),
        check(`${label}: no postback missing`, 0, missing),
        check(
          `${label}: postbacks sent twice at most what the killed process had in flight`,
          true,
          doubled <= POSTBACKS_IN_FLIGHT,
        ),
      ],
      note: `distributed rebalance: ${doubled} of ${2 * n} postbacks reached the receiver twice (the killed process's deliveries in flight, whose leases ran out), none missing.`,
    };
  } finally {
    await stack.close();
    await telegram.stop();
    await receiver.close();
  }
}

// ---------------------------------------------------------------------------------------------------

/**
 * The distributed deployment on the local (or given) Kafka and MongoDB-protocol servers: the
 * pipeline with one instance of each service, then with two lead-projection and two stats
 * instances, beside Kafka's own producer and consumer and the store's own bulk inserts, all in the
 * same run on the same servers.
 */
export async function distributedBench(opts: DistributedOptions): Promise<BenchResult> {
  const s = servers(opts.log);
  try {
    const eventBytes = EVENT_BYTES;
    opts.log(
      `  Kafka's own producer and consumer, ${opts.updates.toLocaleString('en-US')} records of ${eventBytes} bytes`,
    );
    const kafka = await kafkaAnchors(s.brokers, Math.max(opts.updates, 50_000), eventBytes);
    opts.log(`  the store's own bulk inserts of ${opts.updates.toLocaleString('en-US')} journal rows`);
    const store = await storeAnchor(s.mongoUrl, opts.updates);
    opts.log('  the pipeline, one instance of each service');
    const one = await pipeline(s, opts, { projection: 1, stats: 1 });
    opts.log('  the pipeline, two lead-projection and two stats instances');
    const two = await pipeline(s, opts, { projection: 2, stats: 2 });
    opts.log('  paid traffic, an instance added and one killed with SIGKILL mid-run');
    const moved = await rebalance(s, opts);

    const n = (v: number): string => Math.round(v).toLocaleString('en-US');
    const figures: Figure[] = [
      {
        id: 'distributed.pipeline',
        label: 'webhook → Kafka → lead-projection → store → stats, one instance each (updates/s)',
        value: one.rate,
        unit: '/s',
        target: { value: PIPELINE_TARGET, goal: 'atLeast' },
        detail: `${n(opts.updates)} organic joins in ${one.seconds.toFixed(1)} s; accepted at ${n(one.accepted.rate)} req/s, p99 ${one.accepted.p99.toFixed(0)} ms`,
      },
      {
        id: 'distributed.store',
        label: "  the store's own bulk inserts of the same rows (docs/s)",
        value: store,
        unit: '/s',
        detail: 'insertMany of 500, unordered, into a collection with the journal index',
      },
      {
        id: 'distributed.vs-store',
        label: "  ↳ pipeline ÷ the store's own rate",
        value: one.rate / store,
        unit: '',
        ratioOnly: true,
        target: { value: VS_STORE_TARGET, goal: 'atLeast' },
        detail: `${n(one.rate)} ÷ ${n(store)}`,
      },
      {
        id: 'distributed.kafka.producer',
        label: "  Kafka's ProducerPerformance, same broker (records/s)",
        value: kafka.producer,
        unit: '/s',
        detail: `${eventBytes}-byte records, acks=all`,
      },
      {
        id: 'distributed.kafka.consumer',
        label: "  Kafka's ConsumerPerformance, same broker (records/s)",
        value: kafka.consumer,
        unit: '/s',
        detail: 'fetch.nMsg.sec',
      },
      {
        id: 'distributed.vs-kafka',
        label: "  ↳ pipeline ÷ Kafka's consumer",
        value: one.rate / kafka.consumer,
        unit: '',
        ratioOnly: true,
        detail: `${n(one.rate)} ÷ ${n(kafka.consumer)}`,
      },
      {
        id: 'distributed.scale-2',
        label: 'the same with two lead-projection and two stats instances (updates/s)',
        value: two.rate,
        unit: '/s',
        detail: `${two.seconds.toFixed(1)} s; speed-up ${(two.rate / one.rate).toFixed(2)}× over one instance each`,
      },
      moved.figure,
    ];
    const limiter = (run: PipelineRun) => {
      const [busiest, share] = run.usage[0] ?? ['nothing', 0];
      const all = `the machine was ${(run.machine * 100).toFixed(0)} % busy over all ${os.cpus().length} cores (the load generator included)`;
      if (share > 0.85) return `${all}; ${busiest} kept a core busy: it limits this run`;
      if (run.machine > 0.85) return `${all}: CPU shared by every process limits this run`;
      return `${all}; neither one process nor the machine was CPU-bound: latency between the processes limits this run`;
    };
    return {
      figures,
      checks: [...one.checks, ...two.checks, ...moved.checks],
      notes: [
        `distributed, one instance each: CPU ${cores(one.usage)}; ${limiter(one)}.`,
        `distributed, two instances: CPU ${cores(two.usage)}; ${limiter(two)}.`,
        moved.note,
      ],
    };
  } finally {
    s.release();
  }
}
