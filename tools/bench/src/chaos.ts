import { ConsumerGroups, Topics } from '@subtrack/contracts';
import Database from 'better-sqlite3';
import { FakeTelegramClient, createRng, inviteLinkButtons, type Message } from '@subtrack/telegram-fake';
import { spawn, type ChildProcess } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ChildServer } from './child';
import { setUpThroughApi } from './ingest';
import { ADMIN_TOKEN, ProductApi, freePort, removeDir, sleep, tempDataDir } from './product';
import { queueTraffic } from './traffic';
import { collectAnswers, doubles, type Answers } from '@subtrack/testing';

/**
 * The crash suite: the same traffic played twice through the fake Bot API into the embedded product
 * (a process of its own, reached by webhook), once undisturbed and once with `kill -9` at random
 * moments and a restart each time; then every API answer is compared, and the postbacks and
 * welcomes each subscriber received are counted.
 */
export interface ChaosOptions {
  updates: number;
  crashes: number;
  seed: number;
  log: (line: string) => void;
}

interface RunOutcome {
  answers: Answers;
  /** Postback requests the receiver got, per `subscriber/status`. */
  postbacks: Map<string, number>;
  /** Welcomes with an invite link each subscriber got. */
  welcomes: Map<number, number>;
  crashes: number;
  seconds: number;
}

export interface ChaosResult {
  ok: boolean;
  lines: string[];
}

/** At most this many postbacks are in flight in one process (the sender's concurrency). */
const POSTBACKS_IN_FLIGHT = 10;
/** At most this many Bot API calls of the welcome sender are in flight in one process. */
const WELCOMES_IN_FLIGHT = 64;

const MAIN = path.join(path.dirname(require.resolve('@subtrack/embedded/package.json')), 'dist', 'main.js');

/** The embedded product as its own process, so that it can be killed without warning. */
class ProductProcess {
  private child: ChildProcess | null = null;
  private output = '';

  constructor(private readonly env: Record<string, string>) {}

  get url(): string {
    return `http://127.0.0.1:${this.env['PORT']}`;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [MAIN], {
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    this.child = child;
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`the product exited with ${child.exitCode}:\n${this.output}`);
      try {
        if ((await fetch(`${this.url}/health`)).ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`the product did not start within 60 s:\n${this.output}`);
      await sleep(50);
    }
  }

  /** kill -9: no shutdown hook runs, nothing is flushed. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Counts postback requests by the subscriber and status in their URL. */
class Receiver {
  readonly counts = new Map<string, number>();
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      const key = `${u.searchParams.get('s')}/${u.searchParams.get('st')}`;
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
      req.resume();
      res.writeHead(200).end();
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

/**
 * Waits until the product has nothing left to do: every update delivered, both projections caught
 * up, no welcome or postback owed. Read from its database file directly (read-only), which the
 * product keeps consistent whatever happens to its process.
 */
async function settled(fake: FakeTelegramClient, dataDir: string): Promise<void> {
  await fake.idle({ timeoutMs: 1_800_000 });
  const db = new Database(path.join(dataDir, 'subtrack.db'), { readonly: true, fileMustExist: true });
  try {
    const owed = db.prepare(
      `SELECT (SELECT COUNT(*) FROM events e WHERE e.seq > COALESCE((SELECT seq FROM consumer_offsets o
                 WHERE o.topic = e.topic AND o.grp = ?), 0) AND e.topic = ?)
            + (SELECT COUNT(*) FROM events e WHERE e.seq > COALESCE((SELECT seq FROM consumer_offsets o
                 WHERE o.topic = e.topic AND o.grp = ?), 0) AND e.topic = ?)
            + (SELECT COUNT(*) FROM welcomes WHERE state = 'pending')
            + (SELECT COUNT(*) FROM postbacks WHERE state = 'pending') AS n`,
    );
    let quiet = 0;
    const deadline = Date.now() + 1_800_000;
    while (quiet < 3) {
      const { n } = owed.get(
        ConsumerGroups.leadProjection,
        Topics.telegram,
        ConsumerGroups.stats,
        Topics.leads,
      ) as { n: number };
      quiet = n === 0 ? quiet + 1 : 0;
      if (Date.now() > deadline) throw new Error(`still owed after 30 minutes: ${n}`);
      await sleep(200);
    }
  } finally {
    db.close();
  }
}

/** How many updates of the telegram topic the product has logged (for the crash schedule). */
function ingested(db: Database.Database): number {
  return (
    db.prepare('SELECT COUNT(*) AS n FROM events WHERE topic = ?').get(Topics.telegram) as { n: number }
  ).n;
}

async function play(opts: ChaosOptions, crashAt: readonly number[], label: string): Promise<RunOutcome> {
  const telegram = await ChildServer.start('fake-server.js', [String(opts.seed), 'history', '20']);
  const fake = new FakeTelegramClient(telegram.url);
  const receiver = new Receiver();
  await receiver.start();
  const dataDir = tempDataDir(`chaos-${label}`);
  const port = await freePort();
  const product = new ProductProcess({
    PORT: String(port),
    DATA_DIR: dataDir,
    ADMIN_TOKEN,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    TELEGRAM_API_ROOT: telegram.url,
    TELEGRAM_MODE: 'webhook',
    POSTBACK_ALLOW_PRIVATE: '1',
    POSTBACK_RETRY_MAX_MS: '2000',
    // The fake answers at once: welcomes need not wait for Telegram's real pace here.
    TELEGRAM_RATE_PER_BOT: '1000',
    // A recheck finds nothing in the fake that the updates did not say, but it would add calls.
    TELEGRAM_RECHECK_PER_MINUTE: '0',
    API_RATE_PER_MINUTE: '0',
    BOT_REFRESH_MS: '200',
  });
  const t0 = Date.now();
  try {
    await product.start();
    const setup = await setUpThroughApi(product, fake);
    const api = new ProductApi(product.url, setup.key);
    const template = `${receiver.url}/pb?s={subscriber}&st={status}&c={click}`;
    await api.post('/api/postbacks/global.json', {
      postbacks: { wait: template, hold: template, approve: template, cancel: template, trash: template },
    });
    const start = Math.floor(Date.UTC(2026, 0, 1) / 1000);
    const traffic = await queueTraffic(fake, {
      bot: setup.bot,
      chat: setup.chat,
      campaigns: setup.campaigns,
      updates: opts.updates,
      seed: opts.seed,
      start,
      days: 30,
    });
    opts.log(`  ${label}: ${traffic.updates.toLocaleString('en-US')} updates queued`);
    const db = new Database(path.join(dataDir, 'subtrack.db'), { readonly: true, fileMustExist: true });
    let crashes = 0;
    try {
      for (const share of crashAt) {
        const at = Math.floor(share * traffic.updates);
        while (ingested(db) < at) await sleep(5);
        await product.kill();
        crashes++;
        await product.start();
        opts.log(`  ${label}: kill -9 ${crashes} after ${at.toLocaleString('en-US')} updates, restarted`);
      }
    } finally {
      db.close();
    }
    await settled(fake, dataDir);
    const answers = await collectAnswers(api, { from: start - 86_400, to: start + 40 * 86_400 });
    const welcomes = new Map<number, number>();
    const messages = (await (await fetch(`${telegram.url}/_fake/messages`)).json()) as { result: Message[] };
    for (const m of messages.result)
      if (m.chat.type === 'private' && inviteLinkButtons(m).length > 0)
        welcomes.set(m.chat.id, (welcomes.get(m.chat.id) ?? 0) + 1);
    return { answers, postbacks: receiver.counts, welcomes, crashes, seconds: (Date.now() - t0) / 1000 };
  } finally {
    await product.stop();
    await receiver.close();
    await telegram.stop();
    removeDir(dataDir);
  }
}

export async function chaos(opts: ChaosOptions): Promise<ChaosResult> {
  const rng = createRng(opts.seed);
  const crashAt = Array.from({ length: opts.crashes }, () => 0.05 + 0.9 * rng.next()).sort((a, b) => a - b);
  opts.log(`reference run (no crashes)…`);
  const reference = await play(opts, [], 'reference');
  opts.log(`crash run (${opts.crashes} × kill -9)…`);
  const crashed = await play(opts, crashAt, 'crashes');

  const lines: string[] = [];
  const checks: [string, boolean][] = [];
  for (const part of Object.keys(reference.answers) as (keyof Answers)[]) {
    const same = isDeepStrictEqual(reference.answers[part], crashed.answers[part]);
    checks.push([`${part}: the same answers as the uninterrupted run`, same]);
    if (!same)
      lines.push(`  ${part} differs:\n${firstDifference(reference.answers[part], crashed.answers[part])}`);
  }
  const once = [...reference.postbacks.values()].every((n) => n === 1);
  checks.push([`reference: each of ${reference.postbacks.size} status changes announced once`, once]);
  const welcomedOnce = [...reference.welcomes.values()].every((n) => n === 1);
  checks.push([`reference: each of ${reference.welcomes.size} subscribers welcomed once`, welcomedOnce]);
  const pb = doubles(reference.postbacks, crashed.postbacks);
  checks.push([`crashes: every status change announced (missing ${pb.missing})`, pb.missing === 0]);
  checks.push([
    `crashes: ${pb.extra} postbacks announced twice (bound: ${POSTBACKS_IN_FLIGHT} in flight × ${crashed.crashes} crashes = ${POSTBACKS_IN_FLIGHT * crashed.crashes})`,
    pb.extra <= POSTBACKS_IN_FLIGHT * crashed.crashes,
  ]);
  const wl = doubles(reference.welcomes, crashed.welcomes);
  checks.push([`crashes: every subscriber welcomed (missing ${wl.missing})`, wl.missing === 0]);
  checks.push([
    `crashes: ${wl.extra} welcomes sent twice (bound: ${WELCOMES_IN_FLIGHT} in flight × ${crashed.crashes} crashes = ${WELCOMES_IN_FLIGHT * crashed.crashes})`,
    wl.extra <= WELCOMES_IN_FLIGHT * crashed.crashes,
  ]);
  checks.push([`crashes: ${opts.crashes} kill -9 survived`, crashed.crashes === opts.crashes]);
  lines.unshift(
    `chaos: ${opts.updates.toLocaleString('en-US')} updates, seed ${opts.seed}; reference ${reference.seconds.toFixed(0)} s, with ${crashed.crashes} crashes ${crashed.seconds.toFixed(0)} s`,
    `  compared: ${reference.answers.leads.length} leads, ${reference.answers.journal.length} journal rows, ${reference.answers.postbacks.length} postback deliveries, summary and series`,
    ...checks.map(([what, ok]) => `  ${ok ? 'ok  ' : 'FAIL'} ${what}`),
  );
  return { ok: checks.every(([, ok]) => ok), lines };
}

/** The first rows that differ, for a readable failure. */
function firstDifference(a: unknown, b: unknown): string {
  if (!Array.isArray(a) || !Array.isArray(b))
    return `    expected ${JSON.stringify(a)}\n    got      ${JSON.stringify(b)}`;
  const out: string[] = [`    ${a.length} rows expected, ${b.length} got`];
  for (let i = 0; i < Math.max(a.length, b.length) && out.length < 6; i++)
    if (!isDeepStrictEqual(a[i], b[i]))
      out.push(
        `    row ${i}: expected ${JSON.stringify(a[i])}\n            got      ${JSON.stringify(b[i])}`,
      );
  return out.join('\n');
}
