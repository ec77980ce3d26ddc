import { loadConfig } from '@subtrack/config';
import { Topics, type Topic } from '@subtrack/contracts';
import { LEAD_PROJECTION_GROUP } from '@subtrack/lead-projection';
import { openKafkaLog } from '@subtrack/kafka';
import { dropMongoDatabase, openMongoStores } from '@subtrack/mongo';
import { replay } from '@subtrack/replay';
import { startFakeTelegram } from '@subtrack/telegram-fake';
import { STATS_GROUP } from '@subtrack/stats';
import { requireServer } from '@subtrack/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  ADMIN,
  freePort,
  RECHECK_PER_MINUTE,
  RETRY_MAX_MS,
  settle,
  WELCOME_HOLD_MS,
  type Stack,
} from './harness';

const ROOT = path.resolve(__dirname, '../../..');

const PARTITIONS = 4;

/** The consumer services: their consumer group and the topic it reads. */
const CONSUMERS: [service: string, group: string, topic: Topic][] = [
  ['lead-projection', LEAD_PROJECTION_GROUP, Topics.telegram],
  ['stats', STATS_GROUP, Topics.leads],
];

/** Each service as its own process, and how many instances of it share its consumer group. */
const SERVICES: [service: string, instances: number][] = [
  ['ingest', 1],
  ['api-gateway', 1],
  ['lead-projection', 2],
  ['stats', 2],
];

export interface DistributedStack extends Stack {
  /** kill -9 of one running instance of a service. */
  kill(service: string): Promise<void>;
  /** SIGTERM to one running instance of a service; resolves with how it exited. */
  terminate(service: string): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** How many members the consumer group of a consumer service has, as Kafka describes it. */
  members(service: string): Promise<number>;
  /** Starts one more instance of a service. */
  spawn(service: string): void;
  /** The Prometheus text of the first running instance of a service, from its own `/metrics`. */
  scrape(service: string): Promise<string>;
  /** `/ready` of every running instance of a service: status code and body. */
  ready(service: string): Promise<{ status: number; body: unknown }[]>;
}

async function waitForHttp(url: string, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch {
      if (Date.now() > deadline)
        throw new Error(`${url} did not come up within ${timeoutMs} ms\n${output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * The distributed deployment: the four services as separate Node processes (built `dist/main.js`),
 * on the real Kafka broker and MongoDB-protocol server of KAFKA_BROKERS / MONGO_URL, with topics
 * and a database of their own.
 */
export async function startDistributedStack(
  opts: { env?: Record<string, string> } = {},
): Promise<DistributedStack> {
  const brokers = requireServer('KAFKA_BROKERS');
  const mongo = new URL(requireServer('MONGO_URL'));
  const run = randomUUID().slice(0, 8);
  mongo.pathname = `/subtrack_e2e_${run}`;
  const telegram = await startFakeTelegram({ port: 0, webhookRetryMs: 50 });
  const [ingestPort, apiPort] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    KAFKA_BROKERS: brokers,
    MONGO_URL: mongo.toString(),
    KAFKA_TOPIC_PREFIX: `e2e-${run}.`,
    KAFKA_PARTITIONS: String(PARTITIONS),
    ADMIN_TOKEN: ADMIN,
    TELEGRAM_API_ROOT: telegram.url,
    TELEGRAM_MODE: 'webhook',
    PUBLIC_URL: `http://127.0.0.1:${ingestPort}`,
    POSTBACK_ALLOW_PRIVATE: '1',
    POSTBACK_RETRY_MAX_MS: String(RETRY_MAX_MS),
    TELEGRAM_RECHECK_PER_MINUTE: String(RECHECK_PER_MINUTE),
    WELCOME_HOLD_MS: String(WELCOME_HOLD_MS),
    ...opts.env,
  };
  // Every process's whole log also goes to a file, which CI prints when the suite fails.
  const logDir = path.join(ROOT, '.cache', 'e2e-logs', run);
  /** The last lines of every process ever started, killed ones included, by "service pid". */
  const tails = new Map<string, string>();
  const logs = () =>
    [...tails].map(([who, tail]) => `--- ${who}, last lines of its log ---\n${tail}`).join('\n');
  let processes: { service: string; child: ChildProcess }[] = [];
  /** Where each process serves HTTP, as its start-up log line says (consumers listen on a free port). */
  const urls = new Map<ChildProcess, string>();
  const start = (service: string) => {
    const port = service === 'ingest' ? ingestPort : service === 'api-gateway' ? apiPort : 0;
    const child = spawn(process.execPath, [path.join(ROOT, 'apps', service, 'dist', 'main.js')], {
      env: { ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const who = `${service} ${child.pid}`;
    tails.set(who, '');
    fs.mkdirSync(logDir, { recursive: true });
    const file = fs.createWriteStream(path.join(logDir, `${service}-${child.pid}.log`));
    // The file is for a human reading a failure; losing it must not fail the run.
    file.on('error', () => undefined);
    child.once('exit', () => file.end());
    let head = '';
    const keep = (chunk: Buffer) => {
      tails.set(who, (tails.get(who)! + chunk.toString()).slice(-4_000));
      file.write(chunk);
      if (urls.has(child)) return;
      head += chunk.toString();
      const started = /started \(distributed\) on (http:\/\/[0-9.]+:\d+)/.exec(head);
      if (started) urls.set(child, started[1]!);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    processes.push({ service, child });
  };
  const exited = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
    });
  const alive = (service: string) =>
    processes.filter(
      (p) => p.service === service && p.child.exitCode === null && p.child.signalCode === null,
    );
  const running = (service: string) => alive(service).length;
  const groups = async (): Promise<string> =>
    Promise.all(CONSUMERS.map(([, group, topic]) => log.groupStatus(group, topic)))
      .then((all) => all.map((g) => JSON.stringify(g)).join('\n'))
      .catch((e: Error) => `consumer groups unknown: ${e.message}`);
  /** Until each consumer group is stable with every running instance holding partitions. */
  const waitForGroups = async (timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const exited = processes.find((p) => p.child.exitCode !== null);
      if (exited)
        throw new Error(
          `${exited.service} exited with code ${exited.child.exitCode} while starting\n${logs()}`,
        );
      const ready = await Promise.all(
        CONSUMERS.map(async ([service, group, topic]) => {
          // Until a service has created its topic, Kafka does not know it: not ready yet.
          const status = await log.groupStatus(group, topic).catch(() => null);
          if (!status) return false;
          const held = status.members.flatMap((m) => m.partitions);
          return (
            status.state === 'Stable' &&
            status.members.length === running(service) &&
            held.length === PARTITIONS &&
            new Set(held).size === PARTITIONS
          );
        }),
      );
      if (ready.every(Boolean)) return;
      if (Date.now() > deadline)
        throw new Error(`consumer groups not ready within ${timeoutMs} ms\n${await groups()}\n${logs()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const spawnAll = async (): Promise<void> => {
    processes = [];
    for (const [service, instances] of SERVICES) for (let i = 0; i < instances; i++) start(service);
    await waitForHttp(`http://127.0.0.1:${apiPort}/health`, 60_000, logs);
    await waitForHttp(`http://127.0.0.1:${ingestPort}/`, 60_000, logs);
    await waitForGroups(120_000);
  };
  const stopAll = async (signal: NodeJS.Signals): Promise<void> => {
    await Promise.all(
      processes.map(({ child }) => {
        child.kill(signal);
        return exited(child);
      }),
    );
  };

  const stores = await openMongoStores(mongo.toString());
  const log = await openKafkaLog({
    brokers: brokers.split(','),
    clientId: 'e2e',
    prefix: env.KAFKA_TOPIC_PREFIX,
    partitions: PARTITIONS,
    log: () => undefined,
  });
  /** Where the running instances of a service serve HTTP, once each has said so. */
  const where = async (service: string): Promise<string[]> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const running = alive(service).map((p) => urls.get(p.child));
      if (running.length > 0 && running.every(Boolean)) return running as string[];
      if (Date.now() > deadline) throw new Error(`no running ${service} said where it listens\n${logs()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await spawnAll();
  return {
    telegram,
    url: `http://127.0.0.1:${apiPort}`,
    webhookUrl: `http://127.0.0.1:${ingestPort}`,
    clock: null,
    async kill(service) {
      const [running] = alive(service);
      if (!running) throw new Error(`no running ${service}`);
      running.child.kill('SIGKILL');
      await exited(running.child);
    },
    async terminate(service) {
      const [running] = alive(service);
      if (!running) throw new Error(`no running ${service}`);
      running.child.kill('SIGTERM');
      await exited(running.child);
      return { code: running.child.exitCode, signal: running.child.signalCode };
    },
    async members(service) {
      const consumer = CONSUMERS.find(([s]) => s === service);
      if (!consumer) throw new Error(`${service} runs no consumer`);
      return (await log.groupStatus(consumer[1], consumer[2])).members.length;
    },
    spawn: start,
    async scrape(service) {
      const [url] = await where(service);
      const res = await fetch(`${url}/metrics`);
      if (!res.ok) throw new Error(`${service} /metrics answered ${res.status}`);
      return res.text();
    },
    async ready(service) {
      return Promise.all(
        (await where(service)).map(async (url) => {
          const res = await fetch(`${url}/ready`);
          return { status: res.status, body: await res.json() };
        }),
      );
    },
    catalog: stores.catalog,
    ingest: stores.ingest,
    async restart() {
      await stopAll('SIGKILL');
      await new Promise((r) => setTimeout(r, 200));
      await spawnAll();
    },
    async replay() {
      await stopAll('SIGTERM');
      await replay(loadConfig({ ...env, PORT: '0' }));
      await spawnAll();
    },
    async settled() {
      try {
        // A rebalance may legitimately wait out a member's session (30 s) and rebalance timeout (60 s).
        await settle(telegram, log, stores.welcomes, 150_000);
      } catch (err) {
        throw new Error(`${(err as Error).message}\n${await groups()}\n${logs()}`);
      }
    },
    logs,
    async close() {
      await stopAll('SIGTERM');
      telegram.fake.dispose();
      await telegram.close();
      await log.close();
      await stores.close();
      await dropMongoDatabase(mongo.toString());
    },
  };
}
