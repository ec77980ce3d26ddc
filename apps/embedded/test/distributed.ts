import { loadConfig } from '@subtrack/config';
import { openKafkaLog } from '@subtrack/kafka';
import { dropMongoDatabase, openMongoStores } from '@subtrack/mongo';
import { replay } from '@subtrack/replay';
import { startFakeTelegram } from '@subtrack/telegram-fake';
import { requireServer } from '@subtrack/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { ADMIN, freePort, settle, type Stack } from './harness';

const ROOT = path.resolve(__dirname, '../../..');

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
  /** Starts one more instance of a service. */
  spawn(service: string): void;
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
export async function startDistributedStack(): Promise<DistributedStack> {
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
    KAFKA_PARTITIONS: '4',
    ADMIN_TOKEN: ADMIN,
    TELEGRAM_API_ROOT: telegram.url,
    TELEGRAM_MODE: 'webhook',
    PUBLIC_URL: `http://127.0.0.1:${ingestPort}`,
    POSTBACK_ALLOW_PRIVATE: '1',
  };
  let output = '';
  let processes: { service: string; child: ChildProcess }[] = [];
  const start = (service: string) => {
    const port = service === 'ingest' ? ingestPort : service === 'api-gateway' ? apiPort : 0;
    const child = spawn(process.execPath, [path.join(ROOT, 'apps', service, 'dist', 'main.js')], {
      env: { ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tag = `[${service} ${child.pid}] `;
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString().replace(/^/gm, tag)).slice(-20_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    processes.push({ service, child });
  };
  const exited = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
    });
  const spawnAll = async (): Promise<void> => {
    processes = [];
    for (const [service, instances] of SERVICES) for (let i = 0; i < instances; i++) start(service);
    await waitForHttp(`http://127.0.0.1:${apiPort}/health`, 60_000, () => output);
    await waitForHttp(`http://127.0.0.1:${ingestPort}/`, 60_000, () => output);
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
    partitions: 4,
    log: () => undefined,
  });
  await spawnAll();
  return {
    telegram,
    url: `http://127.0.0.1:${apiPort}`,
    webhookUrl: `http://127.0.0.1:${ingestPort}`,
    clock: null,
    async kill(service) {
      const running = processes.find(
        (p) => p.service === service && p.child.exitCode === null && p.child.signalCode === null,
      );
      if (!running) throw new Error(`no running ${service}`);
      running.child.kill('SIGKILL');
      await exited(running.child);
    },
    spawn: start,
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
        await settle(telegram, log, 60_000);
      } catch (err) {
        throw new Error(`${(err as Error).message}\n${output}`);
      }
    },
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
