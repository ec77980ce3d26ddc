import { inviteLinkButtons } from '@subtrack/telegram-fake';
import { addCampaign, botWithChat, createAccount, metricSample, utc, utcDay } from './harness';
import { startDistributedStack, type DistributedStack } from './distributed';
import { describePostbacks, Receiver } from './postbacks';
import { describeLifecycle } from './scenario';

// Same scenario, same expected answers: ingest, api-gateway, two lead-projection and two stats
// processes on real Kafka and a MongoDB-protocol server.
jest.setTimeout(180_000);
describeLifecycle('distributed', () => startDistributedStack(), 300_000);
describePostbacks('distributed', () => startDistributedStack());

describe('distributed: a service process killed during a run', () => {
  let stack: DistributedStack;
  afterAll(async () => stack?.close());

  it('loses and double-counts nothing when a lead-projection and a stats process die mid-traffic', async () => {
    stack = await startDistributedStack();
    const fake = stack.telegram.fake;
    const { api } = await createAccount(stack, 'crashy');
    const day = utcDay(Math.floor(Date.now() / 1000), -3);
    fake.setTime(utc(`${day}T01:00:00`));
    const { bot, chat } = await botWithChat(stack, api, 'crashy_bot', 'Crashy');
    const campaign = await addCampaign(api, { bot, chat }, { name: 'c', join_mode: 'direct' });

    const sent = fake.generateTraffic({
      bot,
      chat,
      subscribers: 300,
      organic: 60,
      campaignCode: campaign.code,
      joinMode: 'direct',
      seed: 11,
      stepSeconds: 5,
    });
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    await sleep(1500);
    await stack.kill('lead-projection');
    await sleep(1000);
    await stack.kill('stats');
    await sleep(1000);
    stack.spawn('lead-projection');
    stack.spawn('stats');
    await stack.settled();

    const range = { from: utc(`${day}T00:00:00`), to: utc(`${day}T23:59:59`) };
    expect((await api.ok('/api/stats/summary.json', range)).data).toEqual({
      starts: sent.starts,
      holds: 0,
      confirms: sent.joins,
      cancels: sent.leaves,
      trashes: sent.bans,
      cr: Math.round((sent.joins * 1000) / sent.starts) / 10,
      organic_joins: sent.organic_joins,
      organic_leaves: sent.organic_leaves,
    });
    // The rollups (stats service) agree with the raw rows (lead-projection) they came from.
    expect((await api.ok('/api/leads/list.json', range)).total).toBe(sent.starts);
    expect((await api.ok('/api/leads/list.json', { ...range, status: 2 })).total).toBe(
      sent.joins - sent.leaves - sent.bans,
    );
    const journal = sent.joins + sent.leaves + sent.bans + sent.organic_joins + sent.organic_leaves;
    expect((await api.ok('/api/journal/list.json', range)).total).toBe(journal);

    // Each process serves its own metrics: the consumers their lag, read from Kafka; ingest what it logged.
    for (const [service, group, topic] of [
      ['lead-projection', 'lead-projection', 'telegram-events'],
      ['stats', 'stats', 'lead-events'],
    ] as const)
      expect(metricSample(await stack.scrape(service), 'subtrack_consumer_lag', { group, topic })).toBe(0);
    const ingest = await stack.scrape('ingest');
    expect(
      metricSample(ingest, 'subtrack_telegram_events_appended_total', { bot: String(bot.id) }),
    ).toBeGreaterThanOrEqual(sent.starts + journal);
    // Every instance, the ones started after the kills too, is ready: its consumer is in its group.
    for (const service of ['lead-projection', 'stats'])
      expect(await stack.ready(service)).toEqual([
        { status: 200, body: { status: 'ok', checks: { store: 'ok', log: 'ok', consumers: 'ok' } } },
        { status: 200, body: { status: 'ok', checks: { store: 'ok', log: 'ok', consumers: 'ok' } } },
      ]);
    expect(await stack.ready('ingest')).toEqual([
      { status: 200, body: { status: 'ok', checks: { store: 'ok', log: 'ok' } } },
    ]);
    // The postback worker reports its outbox: nothing owed once settled.
    expect(
      metricSample(await stack.scrape('lead-projection'), 'subtrack_outbox_pending', { outbox: 'postbacks' }),
    ).toBe(0);
  });
});

describe('distributed: every service stopped with SIGTERM mid-traffic', () => {
  let stack: DistributedStack;
  let receiver: Receiver;
  afterAll(async () => {
    await stack?.close();
    await receiver?.close();
  });

  it('exits 0, leaves its group at once, and nothing is lost or sent twice', async () => {
    stack = await startDistributedStack();
    receiver = new Receiver();
    const base = await receiver.start();
    const fake = stack.telegram.fake;
    const { api } = await createAccount(stack, 'graceful');
    const day = utcDay(Math.floor(Date.now() / 1000), -3);
    fake.setTime(utc(`${day}T01:00:00`));
    const { bot, chat } = await botWithChat(stack, api, 'graceful_bot', 'Graceful');
    const url = `${base}/pb?l={lead}&s={status}`;
    const campaign = await addCampaign(
      api,
      { bot, chat },
      { name: 'g', join_mode: 'direct', postbacks: { wait: url, approve: url, cancel: url, trash: url } },
    );
    // Bot API round trips, so that welcomes are in flight when a signal comes.
    fake.configureNetwork({ latencyMs: 100, floodLimitPerSecond: 30 });
    const sent = fake.generateTraffic({
      bot,
      chat,
      subscribers: 200,
      organic: 40,
      campaignCode: campaign.code,
      joinMode: 'direct',
      seed: 23,
      stepSeconds: 5,
    });
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    for (const service of ['lead-projection', 'stats', 'ingest']) {
      await sleep(1000);
      expect({ service, ...(await stack.terminate(service)) }).toEqual({ service, code: 0, signal: null });
      // Left its group on the way out: the group shrinks now, not after a 30 s session timeout.
      if (service !== 'ingest') {
        const deadline = Date.now() + 20_000;
        while ((await stack.members(service)) !== 1 && Date.now() < deadline) await sleep(200);
        expect({ service, members: await stack.members(service) }).toEqual({ service, members: 1 });
      }
      stack.spawn(service);
    }
    await stack.settled();

    const range = { from: utc(`${day}T00:00:00`), to: utc(`${day}T23:59:59`) };
    expect((await api.ok('/api/stats/summary.json', range)).data).toMatchObject({
      starts: sent.starts,
      confirms: sent.joins,
      cancels: sent.leaves,
      trashes: sent.bans,
      organic_joins: sent.organic_joins,
      organic_leaves: sent.organic_leaves,
    });
    const journal = sent.joins + sent.leaves + sent.bans + sent.organic_joins + sent.organic_leaves;
    expect((await api.ok('/api/journal/list.json', range)).total).toBe(journal);

    // Work in flight was finished, not abandoned: every welcome and postback went out exactly once.
    const welcomes = new Map<number, number>();
    for (const m of fake.allMessages())
      if (inviteLinkButtons(m).length > 0) welcomes.set(m.chat.id, (welcomes.get(m.chat.id) ?? 0) + 1);
    expect(welcomes.size).toBe(sent.starts);
    expect([...welcomes.values()].filter((n) => n !== 1)).toEqual([]);
    const owed = sent.starts + sent.joins + sent.leaves + sent.bans;
    const deadline = Date.now() + 120_000;
    while (receiver.delivered().length < owed && Date.now() < deadline) await sleep(200);
    const delivered = receiver.delivered();
    expect(delivered.length).toBe(owed);
    expect(new Set(delivered).size).toBe(owed);
  }, 600_000);
});

describe('distributed: the ingest process killed mid-burst of welcomes', () => {
  let stack: DistributedStack;
  afterAll(async () => stack?.close());

  it('still hands every subscriber their welcome with their own link, doubling only what was in flight', async () => {
    stack = await startDistributedStack();
    const fake = stack.telegram.fake;
    const { api } = await createAccount(stack, 'welcomes');
    const { bot, chat } = await botWithChat(stack, api, 'burst_bot', 'Burst');
    const campaign = await addCampaign(api, { bot, chat }, { name: 'b', join_mode: 'request' });
    fake.configureNetwork({ latencyMs: 150, floodLimitPerSecond: 30 });
    const users = Array.from({ length: 120 }, (_, i) => fake.createUser({ first_name: `K${i}` }));
    for (const [i, u] of users.entries()) fake.userStartsBot(u, bot, `${campaign.code}-k${i}`);
    const welcomed = () =>
      users.map((u) => fake.messagesSentTo(u.id).filter((m) => inviteLinkButtons(m).length > 0));
    const deadline = Date.now() + 120_000;
    while (welcomed().filter((w) => w.length > 0).length < 20) {
      if (Date.now() > deadline) throw new Error(`no welcomes went out\n${stack.logs()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await stack.kill('ingest');
    stack.spawn('ingest');
    await stack.settled();

    const counts = welcomed().map((w) => w.length);
    expect(counts.filter((n) => n === 0)).toEqual([]);
    // Telegram has no idempotent send: the calls in flight when the process died (30/s × 150 ms
    // of round trip) may have gone out unseen, and are sent again. Nothing else is doubled.
    expect(counts.reduce((a, n) => a + n - 1, 0)).toBeLessThanOrEqual(Math.ceil(30 * 0.15) + 1);
    const links = new Set(welcomed().map((w) => inviteLinkButtons(w[0]!)[0]));
    expect(links.size).toBe(users.length);
    expect((await api.ok('/api/leads/list.json', { limit: 1 })).total).toBe(users.length);
  }, 600_000);
});
