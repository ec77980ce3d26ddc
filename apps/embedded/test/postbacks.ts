import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import {
  type Api,
  botWithChat,
  createAccount,
  lastInviteLink,
  RETRY_MAX_MS,
  utc,
  utcDay,
  type Stack,
} from './harness';

type Mode = 'ok' | 'fail' | 'hang';

/** A postback receiver on loopback that answers 200, 500, or never, as the test says. */
export class Receiver {
  mode: Mode = 'ok';
  readonly requests: {
    method: string;
    url: URL;
    headers: Record<string, string | string[] | undefined>;
    body: string;
    answered: number | null;
  }[] = [];
  private server!: Server;
  private readonly hanging = new Set<() => void>();

  base = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const entry = {
          method: req.method!,
          url: new URL(req.url!, 'http://x'),
          headers: req.headers,
          body,
          answered: null as number | null,
        };
        this.requests.push(entry);
        if (this.mode === 'hang') {
          const release = () => res.destroy();
          this.hanging.add(release);
          return;
        }
        entry.answered = this.mode === 'ok' ? 200 : 500;
        res.writeHead(entry.answered).end();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.base;
  }

  /** Successful deliveries, as "lead/status/click" keys. */
  delivered(): string[] {
    return this.requests
      .filter((r) => r.answered === 200)
      .map(
        (r) => `${r.url.searchParams.get('l')}/${r.url.searchParams.get('s')}/${r.url.searchParams.get('c')}`,
      );
  }

  async close(): Promise<void> {
    for (const release of this.hanging) release();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

type Verify = (header: string, secret: string, method: string, url: string, body: string) => boolean;

/** The README's own verification snippet, so that what the README tells receivers is what works. */
function readmeVerifier(): Verify {
  const readme = fs.readFileSync(path.join(__dirname, '../../../README.md'), 'utf8');
  const code = /<!-- verify-postback -->\s*```js\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!code) throw new Error('README has no verify-postback snippet');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- runs the README's snippet as written
  return new Function('require', `${code}\nreturn verifyPostback;`)(require) as Verify;
}

const waitUntil = async (what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

/**
 * How long deliveries may stop arriving before one counts as stuck: a claim held by a killed
 * process waits out its lease (30 s), then the retry schedule (at most RETRY_MAX_MS + 20 % jitter);
 * the rest is slack for a busy machine.
 * A slow machine only makes the wait longer, it never fails it while deliveries keep arriving.
 */
const STALL_MS = 30_000 + RETRY_MAX_MS * 1.2 + 60_000;

/**
 * Waits until `expected` deliveries arrived. Fails only when none arrived for STALL_MS, naming
 * the keys that are missing or doubled, the deliveries still owed, and the services' logs.
 */
async function waitForDeliveries(
  stack: Stack,
  api: Api,
  arrived: () => string[],
  expected: number | string[],
): Promise<void> {
  const want = typeof expected === 'number' ? expected : expected.length;
  let seen = -1;
  let stallAt = 0;
  for (;;) {
    const keys = arrived();
    if (keys.length >= want) return;
    if (keys.length !== seen) [seen, stallAt] = [keys.length, Date.now() + STALL_MS];
    if (Date.now() > stallAt) {
      const owed = await Promise.all(
        ['pending', 'failed'].map((state) => api.ok('/api/postbacks/list.json', { state, limit: 50 })),
      );
      const lines = [
        `deliveries stalled: ${keys.length} of ${want} arrived, none in the last ${STALL_MS / 1000} s (now ${new Date().toISOString()})`,
      ];
      if (typeof expected !== 'number') {
        lines.push(`missing: ${expected.filter((k) => !keys.includes(k)).join(' ') || 'none'}`);
        lines.push(`unexpected: ${keys.filter((k) => !expected.includes(k)).join(' ') || 'none'}`);
      }
      const doubled = keys.filter((k, i) => keys.indexOf(k) !== i);
      lines.push(`doubled: ${doubled.join(' ') || 'none'}`);
      for (const [i, state] of ['pending', 'failed'].entries()) {
        lines.push(`${state} in the postback log: ${owed[i].total}`);
        for (const d of owed[i].data)
          lines.push(
            `  ${d.id} lead ${d.lead} status ${d.status} attempts ${d.attempts} next ${d.next_attempt} last ${JSON.stringify(d.log.at(-1) ?? null)}`,
          );
      }
      lines.push(stack.logs());
      throw new Error(lines.join('\n'));
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** SPEC §4 and §8 on any deployment: each real status change is announced exactly once. */
export function describePostbacks(title: string, start: () => Promise<Stack>): void {
  describe(`${title}: postbacks`, () => {
    let stack: Stack;
    let api: Api;
    const receiver = new Receiver();
    afterAll(async () => {
      await stack?.close();
      await receiver.close();
    });

    it('delivers each status change exactly once through failures, a hang, a restart and a replay', async () => {
      stack = await start();
      const fake = stack.telegram.fake;
      const base = await receiver.start();
      const a = await createAccount(stack, 'pb');
      api = a.api;
      const day = utcDay(Math.floor(Date.now() / 1000), -1);
      const at = (hms: string) => fake.setTime(utc(`${day}T${hms}`));
      at('08:00:00');
      const { bot, chat } = await botWithChat(stack, api, 'postback_bot', 'PB chat');
      const all = `${base}/pb?c={click}&s={status}&l={lead}&k={campaign}&u={user}&sub={subscriber}&n={username}&ch={chat}&t={time}&x={other}`;
      const global = { wait: all, hold: all, approve: all, cancel: all, trash: all };
      expect((await api.post('/api/postbacks/global.json', { postbacks: global })).status).toBe(200);
      const request = (
        await api.post('/api/campaigns/add.json', {
          name: 'A',
          bot: bot.id,
          chat: chat.id,
          join_mode: 'request',
        })
      ).body.data;
      const direct = (
        await api.post('/api/campaigns/add.json', {
          name: 'B',
          bot: bot.id,
          chat: chat.id,
          join_mode: 'direct',
          postbacks: { approve: all, cancel: all },
          method: 'POST',
          body: '{"click":"{click}","lead":{lead}}',
          unsub_window: 1,
        })
      ).body.data;

      const step = async (hms: string, action: () => unknown) => {
        at(hms);
        action();
        await stack.settled();
      };
      // The receiver is down for a stretch: everything queued meanwhile is retried.
      receiver.mode = 'fail';
      const u1 = fake.createUser({ first_name: 'One', username: 'user_one' });
      const u2 = fake.createUser({ first_name: 'Two' });
      const u3 = fake.createUser({ first_name: 'Three', username: 'user_three' });
      await step('09:00:00', () => fake.userStartsBot(u1, bot, `${request.code}-k1`));
      await step('09:01:00', () => fake.userRequestsJoin(u1, chat, lastInviteLink(stack, u1.id)));
      await step('09:02:00', () => fake.adminApprovesJoin(chat, u1));
      await step('10:00:00', () => fake.userStartsBot(u2, bot, `${direct.code}-k2`));
      await step('10:01:00', () => fake.userJoins(u2, chat, lastInviteLink(stack, u2.id)));
      await waitUntil('failed attempts', async () => receiver.requests.length >= 4);

      // A restart while deliveries are still owed: they go out after it, once.
      await stack.restart();
      receiver.mode = 'ok';
      await step('11:00:00', () => fake.userLeaves(u1, chat));
      await step('11:30:00', () => fake.adminBans(chat, u1));
      await step('12:01:01', () => fake.userLeaves(u2, chat)); // 2 h after joining: outside B's 1 h window
      await step('13:00:00', () => fake.userStartsBot(u3, bot, `${request.code}-c1`));
      await step('13:05:00', () => fake.userStartsBot(u3, bot, `${request.code}-c2`)); // newer click: wait again
      receiver.mode = 'hang'; // the next attempt times out after 10 s and is retried
      await step('13:06:00', () => fake.userRequestsJoin(u3, chat, lastInviteLink(stack, u3.id)));
      await waitUntil('the hanging attempt', async () =>
        receiver.requests.some(
          (r) => r.url.searchParams.get('s') === 'hold' && r.url.searchParams.get('c') === 'c2',
        ),
      );
      receiver.mode = 'ok';

      const leads = (await api.ok('/api/leads/list.json')).data as { id: number; subscriber: number }[];
      const lead = (u: { id: number }) => leads.find((l) => l.subscriber === u.id)!.id;
      const expected = [
        `${lead(u1)}/wait/k1`,
        `${lead(u1)}/hold/k1`,
        `${lead(u1)}/approve/k1`,
        `${lead(u1)}/cancel/k1`,
        `${lead(u1)}/trash/k1`,
        `${lead(u2)}/approve/k2`,
        `${lead(u3)}/wait/c1`,
        `${lead(u3)}/wait/c2`,
        `${lead(u3)}/hold/c2`,
      ].sort();
      await waitForDeliveries(stack, api, () => receiver.delivered(), expected);

      // Nothing more arrives after a replay of the whole log.
      await stack.replay();
      await stack.settled();
      await new Promise((r) => setTimeout(r, 1500));
      expect(receiver.delivered().sort()).toEqual(expected);

      // Macros, URL-encoded; unknown ones untouched; POST with its body template.
      const approve = receiver.requests.find(
        (r) => r.answered === 200 && r.url.searchParams.get('s') === 'approve' && r.method === 'GET',
      )!;
      expect(Object.fromEntries(approve.url.searchParams)).toEqual({
        c: 'k1',
        s: 'approve',
        l: String(lead(u1)),
        k: request.code,
        u: String(a.id),
        sub: String(u1.id),
        n: 'user_one',
        ch: String(chat.id),
        t: String(utc(`${day}T09:02:00`)),
        x: '{other}',
      });
      const post = receiver.requests.find((r) => r.method === 'POST' && r.answered === 200)!;
      expect(JSON.parse(post.body)).toEqual({ click: 'k2', lead: lead(u2) });
      // The leave outside the window changed the status silently.
      expect(leads.find((l) => l.subscriber === u2.id)).toMatchObject({ status: 3 });

      // The delivery log explains every attempt.
      const log = await api.ok('/api/postbacks/list.json', { limit: 200 });
      expect(log.total).toBe(expected.length);
      for (const d of log.data) {
        expect(d.state).toBe('delivered');
        expect(d.log.length).toBe(d.attempts);
        expect(d.log[d.log.length - 1].http_status).toBe(200);
      }
      const retried = log.data.filter((d: { attempts: number }) => d.attempts > 1);
      expect(retried.length).toBeGreaterThanOrEqual(4);
      // u1's first three changes happened while the receiver answered 500.
      const early = log.data.filter(
        (d: { lead: number; status: number }) => d.lead === lead(u1) && d.status <= 2,
      );
      expect(early).toHaveLength(3);
      for (const d of early) expect(d.log[0]).toMatchObject({ http_status: 500, error: 'HTTP 500' });
      const hold = log.data.find(
        (d: { status: number; lead: number }) => d.status === 1 && d.lead === lead(u3),
      );
      expect(hold.log[0]).toMatchObject({ http_status: null, error: 'timeout' });

      // A manual re-send goes out again, and is logged.
      const before = receiver.delivered().length;
      expect((await api.post('/api/postbacks/resend.json', { id: hold.id })).status).toBe(200);
      await waitUntil('the re-send', async () => receiver.delivered().length === before + 1);
    }, 900_000);

    it('announces every change of a few hundred leads exactly once, with the receiver down and a restart mid-way', async () => {
      const fake = stack.telegram.fake;
      const { api: other } = await createAccount(stack, 'bulk');
      const everything = `${receiver.base}/bulk?l={lead}&s={status}`;
      await other.post('/api/postbacks/global.json', {
        postbacks: {
          wait: everything,
          hold: everything,
          approve: everything,
          cancel: everything,
          trash: everything,
        },
      });
      fake.setTime(utc(`${utcDay(Math.floor(Date.now() / 1000), -1)}T15:00:00`));
      const { bot, chat } = await botWithChat(stack, other, 'bulk_bot', 'Bulk');
      const campaign = (
        await other.post('/api/campaigns/add.json', {
          name: 'bulk',
          bot: bot.id,
          chat: chat.id,
          join_mode: 'request',
        })
      ).body.data;
      const bulk = () => receiver.requests.filter((r) => r.url.pathname === '/bulk' && r.answered === 200);

      receiver.mode = 'fail';
      const sent = fake.generateTraffic({
        bot,
        chat,
        subscribers: 250,
        campaignCode: campaign.code,
        joinMode: 'request',
        seed: 5,
        leaveRate: 0.2,
        banRate: 0.1,
      });
      await stack.settled();
      await stack.restart();
      receiver.mode = 'ok';
      const changes = sent.starts + sent.requests + sent.approvals + sent.leaves + sent.bans;
      const bulkKeys = () =>
        bulk().map((r) => `${r.url.searchParams.get('l')}/${r.url.searchParams.get('s')}`);
      await waitForDeliveries(stack, other, bulkKeys, changes);
      await new Promise((r) => setTimeout(r, 1500));
      const keys = bulkKeys();
      expect(keys).toHaveLength(changes);
      expect(new Set(keys).size).toBe(changes);
      const log = await other.ok('/api/postbacks/list.json', { limit: 1 });
      expect(log.total).toBe(changes);
      expect((await other.ok('/api/postbacks/list.json', { state: 'delivered', limit: 1 })).total).toBe(
        changes,
      );
    }, 900_000);

    it("signs postbacks so that a receiver verifies them with the README's snippet, through a rotation", async () => {
      const verify = readmeVerifier();
      const fake = stack.telegram.fake;
      const { api: signed } = await createAccount(stack, 'signed');
      await signed.post('/api/postbacks/global.json', {
        postbacks: { wait: `${receiver.base}/signed?l={lead}&c={click}` },
      });
      const { bot, chat } = await botWithChat(stack, signed, 'signed_bot', 'Signed');
      const campaign = (
        await signed.post('/api/campaigns/add.json', {
          name: 's',
          bot: bot.id,
          chat: chat.id,
          join_mode: 'direct',
        })
      ).body.data;
      let n = 0;
      /** A new lead's wait postback, as the receiver got it. */
      const next = async () => {
        const click = `k${++n}`;
        fake.userStartsBot(fake.createUser({ first_name: `S${n}` }), bot, `${campaign.code}-${click}`);
        let got: (typeof receiver.requests)[number] | undefined;
        await waitUntil(`postback ${click}`, async () => {
          got = receiver.requests.find(
            (r) => r.url.pathname === '/signed' && r.url.searchParams.get('c') === click,
          );
          return got !== undefined;
        });
        const header = got!.headers['x-signature'];
        const url = `${receiver.base}${got!.url.pathname}${got!.url.search}`;
        return {
          header: typeof header === 'string' ? header : undefined,
          check: (secret: string) => verify(String(header), secret, got!.method, url, got!.body),
        };
      };

      /** New leads until one's postback meets `ok`: a changed key reaches every sender within seconds. */
      const until = async (what: string, ok: (p: Awaited<ReturnType<typeof next>>) => boolean) => {
        const deadline = Date.now() + 60_000;
        for (;;) {
          const p = await next();
          if (ok(p)) return p;
          if (Date.now() > deadline) throw new Error(`no postback ${what} within 60 s`);
        }
      };

      expect((await next()).header).toBeUndefined();
      const first = await signed.post('/api/postbacks/secret.json', {});
      expect(first.status).toBe(200);
      expect(first.body.data).toMatchObject({ campaign: null, previous_valid_until: null });
      const a: string = first.body.data.secret;
      const one = await until('signed with the first key', (p) => p.header !== undefined);
      expect(one.check(a)).toBe(true);
      expect(one.check('whsec_wrong')).toBe(false);
      expect(one.header!.match(/v1=/g)).toHaveLength(1);

      const second = await signed.post('/api/postbacks/secret.json', {});
      const b: string = second.body.data.secret;
      expect(second.body.data.previous_valid_until).toEqual(expect.any(String));
      const both = await until('signed with both keys', (p) => p.check(b));
      expect(both.check(a)).toBe(true);
      expect(both.header!.match(/v1=/g)).toHaveLength(2);

      expect((await signed.post('/api/postbacks/secret.json', { off: true })).status).toBe(200);
      const other = await createAccount(stack, 'not-signed');
      expect((await other.api.post('/api/postbacks/secret.json', { campaign: campaign.id })).status).toBe(
        404,
      );
      await until('unsigned again', (p) => p.header === undefined);
    }, 300_000);
  });
}
