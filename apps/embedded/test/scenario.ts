import {
  Api,
  botWithChat,
  clearOfUtcMidnight,
  createAccount,
  lastInviteLink,
  utc,
  utcDay,
  type Stack,
} from './harness';

/**
 * One account, one bot, one chat, two campaigns (request and direct join mode) and subscribers who
 * start, request, join, leave, get banned and rejoin, plus organic members; a second account in
 * another time zone. Every endpoint is checked field by field, then again after a restart.
 */
export function describeLifecycle(title: string, start: () => Promise<Stack>, timeoutMs = 120_000): void {
  describe(`${title}: from Telegram updates to the four seed endpoints`, () => {
    let stack: Stack;
    let api: Api;
    let other: Api;
    let ids: Record<string, number>;
    let campaigns: {
      request: { id: number; code: string; link: string };
      direct: { id: number; code: string; link: string };
    };

    // Two past days and today (UTC), so the stack's own clock can be the system clock.
    let NOW = 0;
    let TODAY = '';
    let DAY2 = '';
    let DAY1 = '';

    beforeAll(
      async () => {
        stack = await start();
        // On the system clock, UTC midnight passing mid-scenario would move "today" under the test.
        if (!stack.clock) await clearOfUtcMidnight(15 * 60);
      },
      timeoutMs + 21 * 60_000,
    );

    beforeAll(async () => {
      NOW = Math.floor(Date.now() / 1000);
      TODAY = utcDay(NOW);
      DAY2 = utcDay(NOW, -1);
      DAY1 = utcDay(NOW, -2);
      const fake = stack.telegram.fake;
      const at = (iso: string): void => fake.setTime(utc(iso));
      if (stack.clock) stack.clock.now = NOW;

      const a = await createAccount(stack, 'acme');
      api = a.api;
      at(`${DAY1}T09:00:00`);
      const { bot, chat } = await botWithChat(stack, api, 'acme_bot', 'Acme channel');

      const add = async (body: object) => {
        const res = await api.post('/api/campaigns/add.json', { bot: bot.id, chat: chat.id, ...body });
        expect(res.status).toBe(200);
        return res.body.data as { id: number; code: string; link: string };
      };
      campaigns = {
        request: await add({ name: 'Request ads', join_mode: 'request', welcome: 'Hello from Acme' }),
        direct: await add({ name: 'Direct ads', join_mode: 'direct' }),
      };

      const alice = fake.createUser({ first_name: 'Alice', username: 'alice' });
      const bob = fake.createUser({ first_name: 'Bob' });
      const carol = fake.createUser({ first_name: 'Carol', username: 'carol' });
      const dave = fake.createUser({ first_name: 'Dave', username: 'dave' });
      const erin = fake.createUser({ first_name: 'Erin', username: 'erin' });
      const org1 = fake.createUser({ first_name: 'Olga', username: 'olga' });
      const org2 = fake.createUser({ first_name: 'Oscar' });
      ids = {
        bot: bot.id,
        chat: chat.id,
        alice: alice.id,
        bob: bob.id,
        carol: carol.id,
        dave: dave.id,
        erin: erin.id,
        org1: org1.id,
        org2: org2.id,
      };

      const step = async (iso: string, action: () => unknown): Promise<void> => {
        at(iso);
        action();
        await stack.settled();
      };
      const { request, direct } = campaigns;
      // Day 1
      await step(`${DAY1}T10:00:00`, () => fake.userStartsBot(alice, bot, `${request.code}-clickA`));
      await step(`${DAY1}T10:01:00`, () =>
        fake.userRequestsJoin(alice, chat, lastInviteLink(stack, alice.id)),
      );
      await step(`${DAY1}T10:02:00`, () => fake.adminApprovesJoin(chat, alice));
      await step(`${DAY1}T11:00:00`, () => fake.userStartsBot(bob, bot, `${direct.code}-clickB`));
      await step(`${DAY1}T11:05:00`, () => fake.userJoins(bob, chat, lastInviteLink(stack, bob.id)));
      await step(`${DAY1}T12:00:00`, () => fake.userStartsBot(carol, bot, request.code));
      await step(`${DAY1}T13:00:00`, () => fake.userStartsBot(dave, bot, `${request.code}-x-y`));
      await step(`${DAY1}T13:01:00`, () => fake.userRequestsJoin(dave, chat, lastInviteLink(stack, dave.id)));
      await step(`${DAY1}T13:30:00`, () => fake.adminBans(chat, dave));
      await step(`${DAY1}T14:00:00`, () => fake.userJoins(org1, chat));
      await step(`${DAY1}T15:00:00`, () => fake.userLeaves(org1, chat));
      await step(`${DAY1}T16:00:00`, () => fake.userJoins(org2, chat));
      await step(`${DAY1}T17:00:00`, () => fake.adminKicks(chat, org2));
      await step(`${DAY1}T18:00:00`, () => fake.userLeaves(bob, chat));
      // Day 2
      await step(`${DAY2}T08:00:00`, () => fake.userJoins(bob, chat));
      await step(`${DAY2}T09:00:00`, () => fake.userStartsBot(erin, bot, `${direct.code}-c5`));
      await step(`${DAY2}T09:10:00`, () => fake.userStartsBot(erin, bot, `${direct.code}-c5b`));
      await step(`${DAY2}T10:00:00`, () => fake.userStartsBot(alice, bot, `${request.code}-late`));

      // A second account in Tokyo with its own bot, chat and one lead just after its local midnight.
      const b = await createAccount(stack, 'globex', 'Asia/Tokyo');
      other = b.api;
      const second = await botWithChat(stack, other, 'globex_bot', 'Globex');
      const res = await other.post('/api/campaigns/add.json', {
        name: 'G',
        bot: second.bot.id,
        chat: second.chat.id,
        join_mode: 'direct',
      });
      const frank = fake.createUser({ first_name: 'Frank', username: 'frank' });
      ids.frank = frank.id;
      ids.globexCampaign = res.body.data.id;
      await step(`${DAY1}T16:00:00`, () => fake.userStartsBot(frank, second.bot, `${res.body.data.code}-g1`));
    }, timeoutMs);

    afterAll(async () => {
      await stack?.close();
    });

    // Every welcome reached its subscriber, none after a failed attempt.
    const delivered = { state: 'delivered', attempts: 0, last_error: '' };
    const expectedLeads = () => [
      // newest first by start time
      {
        campaign: campaigns.direct.id,
        subscriber: ids.erin,
        username: 'erin',
        click: 'c5b',
        status: 0,
        start_time: `${DAY2} 09:00:00`,
        join_time: '0000-00-00 00:00:00',
        updated: `${DAY2} 09:00:00`,
        welcome: delivered,
        postback: null,
      },
      {
        campaign: campaigns.request.id,
        subscriber: ids.dave,
        username: 'dave',
        click: 'x-y',
        status: 4,
        start_time: `${DAY1} 13:00:00`,
        join_time: '0000-00-00 00:00:00',
        updated: `${DAY1} 13:30:00`,
        welcome: delivered,
        postback: null,
      },
      {
        campaign: campaigns.request.id,
        subscriber: ids.carol,
        username: 'carol',
        click: '',
        status: 0,
        start_time: `${DAY1} 12:00:00`,
        join_time: '0000-00-00 00:00:00',
        updated: `${DAY1} 12:00:00`,
        welcome: delivered,
        postback: null,
      },
      {
        campaign: campaigns.direct.id,
        subscriber: ids.bob,
        username: '',
        click: 'clickB',
        status: 2,
        start_time: `${DAY1} 11:00:00`,
        join_time: `${DAY1} 11:05:00`,
        updated: `${DAY2} 08:00:00`,
        welcome: delivered,
        postback: null,
      },
      {
        campaign: campaigns.request.id,
        subscriber: ids.alice,
        username: 'alice',
        click: 'clickA',
        status: 2,
        start_time: `${DAY1} 10:00:00`,
        join_time: `${DAY1} 10:02:00`,
        updated: `${DAY1} 10:02:00`,
        welcome: delivered,
        postback: null,
      },
    ];

    const expectedJournal = () => [
      { subscriber: ids.bob, username: '', action: 'join', paid: 1, time: `${DAY2} 08:00:00` },
      { subscriber: ids.bob, username: '', action: 'leave', paid: 1, time: `${DAY1} 18:00:00` },
      { subscriber: ids.org2, username: '', action: 'ban', paid: 0, time: `${DAY1} 17:00:00` },
      { subscriber: ids.org2, username: '', action: 'join', paid: 0, time: `${DAY1} 16:00:00` },
      { subscriber: ids.org1, username: 'olga', action: 'leave', paid: 0, time: `${DAY1} 15:00:00` },
      { subscriber: ids.org1, username: 'olga', action: 'join', paid: 0, time: `${DAY1} 14:00:00` },
      { subscriber: ids.dave, username: 'dave', action: 'ban', paid: 1, time: `${DAY1} 13:30:00` },
      { subscriber: ids.dave, username: 'dave', action: 'request', paid: 1, time: `${DAY1} 13:01:00` },
      { subscriber: ids.bob, username: '', action: 'join', paid: 1, time: `${DAY1} 11:05:00` },
      { subscriber: ids.alice, username: 'alice', action: 'approve', paid: 1, time: `${DAY1} 10:02:00` },
      { subscriber: ids.alice, username: 'alice', action: 'request', paid: 1, time: `${DAY1} 10:01:00` },
    ];

    const strip = (rows: { id: number }[]) => rows.map(({ id: _id, ...rest }) => rest);

    async function checkEverything(): Promise<void> {
      const leads = await api.ok('/api/leads/list.json');
      expect(strip(leads.data)).toEqual(expectedLeads());
      expect(leads.total).toBe(5);
      expect(leads.data.every((l: { id: unknown }) => Number.isInteger(l.id))).toBe(true);

      const journal = await api.ok('/api/journal/list.json', { bot: ids.bot!, chat: ids.chat! });
      expect(strip(journal.data)).toEqual(expectedJournal());
      expect(journal.total).toBe(11);

      expect((await api.ok('/api/stats/summary.json')).data).toEqual({
        starts: 5,
        holds: 2,
        confirms: 2,
        cancels: 1,
        trashes: 1,
        cr: 40,
        organic_joins: 2,
        organic_leaves: 2,
      });
      expect((await api.ok('/api/stats/summary.json', { campaign: campaigns.request.id })).data).toEqual({
        starts: 3,
        holds: 2,
        confirms: 1,
        cancels: 0,
        trashes: 1,
        cr: 33.3,
        organic_joins: 2,
        organic_leaves: 2,
      });
      expect((await api.ok('/api/stats/summary.json', { campaign: campaigns.direct.id })).data).toEqual({
        starts: 2,
        holds: 0,
        confirms: 1,
        cancels: 1,
        trashes: 0,
        cr: 50,
        organic_joins: 2,
        organic_leaves: 2,
      });

      const series = await api.ok('/api/stats/series.json', { from: utc(`${DAY1}T00:00:00`), to: NOW });
      expect(series.data).toEqual([
        { date: DAY1, starts: 4, confirms: 2, cancels: 1, trashes: 1, organic: 2 },
        { date: DAY2, starts: 1, confirms: 0, cancels: 0, trashes: 0, organic: 0 },
        { date: TODAY, starts: 0, confirms: 0, cancels: 0, trashes: 0, organic: 0 },
      ]);
    }

    it('lists leads, journal, summary and series exactly as SPEC §4–§6 define', async () => {
      await checkEverything();
    });

    it('answers the /start with the welcome message and a personal invite link', () => {
      const [reply] = stack.telegram.fake.messagesSentTo(ids.alice!);
      expect(reply!.text).toBe('Hello from Acme');
      const bobLink = lastInviteLink(stack, ids.bob!);
      const aliceLink = lastInviteLink(stack, ids.alice!);
      expect(aliceLink).toMatch(/^https:\/\/t\.me\/\+/);
      expect(bobLink).not.toBe(aliceLink);
      // A repeated /start hands out the same link: one lead, one link.
      const alices = stack.telegram.fake.messagesSentTo(ids.alice!);
      expect(alices.length).toBe(2);
      expect(campaigns.request.link).toBe(`https://t.me/acme_bot?start=${campaigns.request.code}-{click}`);
    });

    it('filters and pages leads', async () => {
      expect((await api.ok('/api/leads/list.json', { status: 2 })).total).toBe(2);
      const direct = await api.ok('/api/leads/list.json', { campaign: campaigns.direct.id });
      expect(direct.data.map((l: { subscriber: number }) => l.subscriber)).toEqual([ids.erin, ids.bob]);
      const day2 = await api.ok('/api/leads/list.json', {
        from: utc(`${DAY2}T00:00:00`),
        to: utc(`${DAY2}T23:59:59`),
      });
      expect(day2.data.map((l: { subscriber: number }) => l.subscriber)).toEqual([ids.erin]);
      const page = await api.ok('/api/leads/list.json', { limit: 2, offset: 2 });
      expect(page.total).toBe(5);
      expect(strip(page.data)).toEqual(expectedLeads().slice(2, 4));
    });

    it('filters and pages the journal', async () => {
      const bans = await api.ok('/api/journal/list.json', { action: 'ban' });
      expect(bans.data.map((r: { subscriber: number }) => r.subscriber)).toEqual([ids.org2, ids.dave]);
      const page = await api.ok('/api/journal/list.json', { limit: 5, offset: 10 });
      expect(page.total).toBe(11);
      expect(strip(page.data)).toEqual(expectedJournal().slice(10));
      const day2 = await api.ok('/api/journal/list.json', { from: utc(`${DAY2}T00:00:00`) });
      expect(day2.total).toBe(1);
    });

    it('counts partial days exactly, to the second', async () => {
      // From noon of day 1: alice, bob (starts before noon) drop out; bob's rejoin is not a first confirm.
      const summary = await api.ok('/api/stats/summary.json', {
        from: utc(`${DAY1}T12:00:00`),
        to: utc(`${DAY2}T08:59:59`),
      });
      expect(summary.data).toEqual({
        starts: 2,
        holds: 1,
        confirms: 0,
        cancels: 1,
        trashes: 1,
        cr: 0,
        organic_joins: 2,
        organic_leaves: 2,
      });
    });

    it('counts today live from raw events and keeps past days in rollups', async () => {
      const fake = stack.telegram.fake;
      const grace = fake.createUser({ first_name: 'Grace', username: 'grace' });
      fake.setTime(NOW - 60);
      fake.userStartsBot(grace, ids.bot!, `${campaigns.request.code}-today`);
      await stack.settled();
      const series = await api.ok('/api/stats/series.json', { from: utc(`${TODAY}T00:00:00`) });
      expect(series.data).toEqual([
        { date: TODAY, starts: 1, confirms: 0, cancels: 0, trashes: 0, organic: 0 },
      ]);
      expect((await api.ok('/api/stats/summary.json')).data.starts).toBe(6);
      if (stack.clock) {
        // The next day, the same day answers from its rollup with the same numbers.
        stack.clock.now = utc(`${utcDay(NOW, 1)}T01:00:00`);
        const later = await api.ok('/api/stats/series.json', {
          from: utc(`${TODAY}T00:00:00`),
          to: utc(`${TODAY}T23:59:59`),
        });
        expect(later.data).toEqual(series.data);
        stack.clock.now = NOW;
      }
    });

    it('puts days in the account time zone', async () => {
      const leads = await other.ok('/api/leads/list.json');
      expect(strip(leads.data)).toEqual([
        {
          campaign: ids.globexCampaign,
          subscriber: ids.frank,
          username: 'frank',
          click: 'g1',
          status: 0,
          start_time: `${DAY2} 01:00:00`,
          join_time: '0000-00-00 00:00:00',
          updated: `${DAY2} 01:00:00`,
          welcome: delivered,
          postback: null,
        },
      ]);
      const series = await other.ok('/api/stats/series.json', {
        from: utc(`${DAY1}T15:00:00`),
        to: utc(`${DAY2}T14:59:59`),
      });
      expect(series.data).toEqual([
        { date: DAY2, starts: 1, confirms: 0, cancels: 0, trashes: 0, organic: 0 },
      ]);
    });

    it('never shows one account the rows of another', async () => {
      expect((await other.ok('/api/leads/list.json')).total).toBe(1);
      expect((await other.ok('/api/leads/list.json', { campaign: campaigns.request.id })).total).toBe(0);
      expect((await other.ok('/api/journal/list.json', { bot: ids.bot!, chat: ids.chat! })).total).toBe(0);
      expect((await other.ok('/api/stats/summary.json', { campaign: campaigns.request.id })).data).toEqual({
        starts: 0,
        holds: 0,
        confirms: 0,
        cancels: 0,
        trashes: 0,
        cr: 0,
        organic_joins: 0,
        organic_leaves: 0,
      });
      expect((await api.ok('/api/leads/list.json', { campaign: ids.globexCampaign! })).total).toBe(0);
      expect((await api.ok('/api/chats/list.json')).data).toEqual([
        { id: ids.chat, bot: ids.bot, title: 'Acme channel', type: 'supergroup', username: '', status: 'ok' },
      ]);
    });

    it('rejects bad parameters with a 400 naming the parameter', async () => {
      const cases: [string, Record<string, string | number>, string][] = [
        ['/api/leads/list.json', { limit: 201 }, 'limit'],
        ['/api/leads/list.json', { limit: 0 }, 'limit'],
        ['/api/leads/list.json', { limit: 'ten' }, 'limit'],
        ['/api/leads/list.json', { offset: -1 }, 'offset'],
        ['/api/leads/list.json', { status: 5 }, 'status'],
        ['/api/leads/list.json', { status: 'approve' }, 'status'],
        ['/api/leads/list.json', { campaign: '1.5' }, 'campaign'],
        ['/api/leads/list.json', { from: 200, to: 100 }, 'from'],
        ['/api/journal/list.json', { action: 'kick' }, 'action'],
        ['/api/journal/list.json', { chat: 'x' }, 'chat'],
        ['/api/stats/summary.json', { to: 'yesterday' }, 'to'],
        ['/api/stats/series.json', { from: 0, to: utc(`${DAY1}T00:00:00`) }, 'from'],
        ['/api/stats/summary.json', { from: NOW + 86_400 }, 'from'],
        ['/api/stats/series.json', { from: NOW + 86_400 }, 'from'],
      ];
      for (const [route, params, name] of cases) {
        const res = await api.get(route, params);
        expect({ route, params, status: res.status, error: res.body.error }).toEqual({
          route,
          params,
          status: 400,
          error: 'param',
        });
        expect(res.body.status).toBe('error');
        expect(res.body.message).toContain(name);
      }
      const truncated = await api.post('/api/campaigns/add.json', '{"name": "x", "bot"');
      expect(truncated.status).toBe(400);
      expect(truncated.body).toMatchObject({ status: 'error', error: 'param' });
      expect(truncated.body.message).toMatch(/^body: not valid JSON/);
      const huge = await api.post('/api/campaigns/add.json', { name: 'x'.repeat(200_000) });
      expect(huge.status).toBe(413);
      expect(huge.body).toMatchObject({ status: 'error', error: 'limit' });
      expect(huge.body.message).toMatch(/^body: /);
    });

    it('refuses requests without a valid key', async () => {
      for (const client of [new Api(stack), new Api(stack, '1-wrong'), new Api(stack, 'garbage')]) {
        const res = await client.get('/api/leads/list.json');
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ status: 'error', error: 'key' });
      }
      // The key also works as the id query parameter.
      const viaQuery = await new Api(stack).get('/api/stats/summary.json', { id: api.key });
      expect(viaQuery.status).toBe(200);
    });

    it('applies a redelivered update once and sets a malformed one aside', async () => {
      const fake = stack.telegram.fake;
      const before = await api.ok('/api/stats/summary.json');
      const journalBefore = (await api.ok('/api/journal/list.json')).total;
      const bot = (await stack.catalog.getBot(ids.bot!))!;
      const updates = [...fake.updatesFor(ids.bot!)].reverse();
      const lastJoin = updates.find((u) => 'chat_member' in u)!;
      const lastStart = updates.find((u) => 'message' in u)!;
      const repliesBefore = fake.allMessages().length;
      const post = (body: unknown, secret = bot.secret) =>
        fetch(`${stack.webhookUrl}/telegram/webhook/${bot.id}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
          body: JSON.stringify(body),
        });
      expect((await post(lastJoin)).status).toBe(200);
      expect((await post(lastStart)).status).toBe(200);
      expect((await post({ update_id: 999_999, chat_member: { chat: { id: 'nope' } } })).status).toBe(200);
      expect((await post(lastJoin, 'wrong-secret')).status).toBe(401);
      // Refusals name the problem; nothing refused reaches the log.
      const raw = async (path: string, body: string, secret = bot.secret) => {
        const res = await fetch(`${stack.webhookUrl}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
          body,
        });
        return { status: res.status, body: (await res.json()) as { error: string; message: string } };
      };
      const route = `/telegram/webhook/${bot.id}`;
      expect(await raw(route, '{"update_id": 5,')).toMatchObject({ status: 400, body: { error: 'body' } });
      expect(await raw(route, JSON.stringify({ pad: 'x'.repeat(1 << 20) }))).toMatchObject({
        status: 413,
        body: { error: 'body' },
      });
      expect(await raw('/telegram/webhook/123456', JSON.stringify(lastJoin))).toMatchObject({
        status: 404,
        body: { error: 'notfound', message: 'unknown bot 123456' },
      });
      await stack.settled();
      expect((await api.ok('/api/stats/summary.json')).data).toEqual(before.data);
      expect((await api.ok('/api/journal/list.json')).total).toBe(journalBefore);
      expect(fake.allMessages().length).toBe(repliesBefore);
      const dead = await stack.ingest.listDeadLetters(10);
      expect(dead[0]).toMatchObject({ bot: bot.id, updateId: 999_999 });
      expect(dead[0]!.error).toContain('chat_member');
    });

    it('rebuilds every projection from the event log with identical answers', async () => {
      const routes: [string, Record<string, number>][] = [
        ['/api/leads/list.json', {}],
        ['/api/journal/list.json', {}],
        ['/api/stats/summary.json', {}],
        ['/api/stats/series.json', { from: utc(`${DAY1}T00:00:00`), to: NOW }],
        ['/api/chats/list.json', {}],
      ];
      const answers = () => Promise.all(routes.map(([r, p]) => api.ok(r, p)));
      const before = await answers();
      await stack.replay();
      expect(await answers()).toEqual(before);
    });

    it('keeps everything across a restart on the same data dir', async () => {
      const before = await Promise.all(
        [
          '/api/leads/list.json',
          '/api/journal/list.json',
          '/api/stats/summary.json',
          '/api/stats/series.json',
        ].map((r) => api.ok(r, r.includes('series') ? { from: utc(`${DAY1}T00:00:00`) } : {})),
      );
      await stack.restart();
      const after = await Promise.all(
        [
          '/api/leads/list.json',
          '/api/journal/list.json',
          '/api/stats/summary.json',
          '/api/stats/series.json',
        ].map((r) => api.ok(r, r.includes('series') ? { from: utc(`${DAY1}T00:00:00`) } : {})),
      );
      expect(after).toEqual(before);
    });
  });
}
