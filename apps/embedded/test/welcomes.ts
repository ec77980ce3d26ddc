import { inviteLinkButtons } from '@subtrack/telegram-fake';
import { addCampaign, botWithChat, createAccount, lastInviteLink, type Api, type Stack } from './harness';
import { Receiver } from './postbacks';

/** Telegram as production has it: a round trip away, and throttled past ~30 calls a second. */
const LATENCY_MS = 150;
const FLOOD_LIMIT = 30;

/** Resolves once `check` holds; fails naming `what` after a minute of it not holding. */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** SPEC §2 and the welcome outbox: every subscriber gets exactly one welcome with their own link. */
export function describeWelcomes(title: string, start: () => Promise<Stack>, burst: number): void {
  describe(`${title}: welcomes through a slow, throttling Bot API`, () => {
    let stack: Stack;
    let api: Api;
    let bot: { id: number };
    let code = '';
    afterAll(async () => stack?.close());

    /** Every lead of the account, page by page. */
    const allLeads = async (): Promise<{ subscriber: number; welcome: unknown }[]> => {
      const out = [];
      for (let offset = 0; ; offset += 200) {
        const page = await api.ok('/api/leads/list.json', { limit: 200, offset });
        out.push(...page.data);
        if (out.length >= page.total) return out;
      }
    };
    const welcomesOf = (userId: number) =>
      stack.telegram.fake.messagesSentTo(userId).filter((m) => inviteLinkButtons(m).length > 0);

    it(`sends each of a burst of ${burst} /starts one welcome with a personal link, none lost to 429s`, async () => {
      stack = await start();
      const fake = stack.telegram.fake;
      ({ api } = await createAccount(stack, 'welcomes'));
      const made = await botWithChat(stack, api, 'welcome_bot', 'Welcome chat');
      const chat = made.chat;
      bot = made.bot;
      const campaign = await addCampaign(api, made, {
        name: 'burst',
        join_mode: 'request',
        welcome: 'Hello!',
      });
      code = campaign.code;
      fake.configureNetwork({ latencyMs: LATENCY_MS, floodLimitPerSecond: FLOOD_LIMIT });

      const users = Array.from({ length: burst }, (_, i) => fake.createUser({ first_name: `B${i}` }));
      for (const [i, u] of users.entries()) fake.userStartsBot(u, bot, `${campaign.code}-k${i}`);
      await stack.settled();

      const links = users.map((u) => {
        const got = welcomesOf(u.id);
        expect(got).toHaveLength(1);
        expect(got[0]!.text).toBe('Hello!');
        return inviteLinkButtons(got[0]!)[0]!;
      });
      expect(new Set(links).size).toBe(burst);
      // One link per lead, each made once, however the calls were throttled.
      const calls = fake.apiCalls(bot);
      const linksMade = calls.filter((c) => c.method === 'createChatInviteLink' && c.ok);
      expect(linksMade).toHaveLength(burst);
      const leads = await allLeads();
      expect(leads).toHaveLength(burst);
      for (const l of leads) expect(l.welcome).toEqual({ state: 'delivered', attempts: 0, last_error: '' });

      // A join through a link made after the /start was logged is matched to its lead.
      const [first] = users;
      fake.configureNetwork({ latencyMs: 0, floodLimitPerSecond: 0 });
      fake.userRequestsJoin(first!, chat, links[0]);
      await stack.settled();
      const held = await api.ok('/api/leads/list.json', { status: 1 });
      expect(held.data.map((l: { subscriber: number }) => l.subscriber)).toEqual([first!.id]);
    }, 600_000);

    it('records a subscriber who blocked the bot once, and retries what Telegram failed for a while', async () => {
      const fake = stack.telegram.fake;
      const blocker = fake.createUser({ first_name: 'Blocker' });
      fake.userStartsBot(blocker, bot, `${code}-b1`);
      fake.userBlocksBot(blocker, bot);
      await stack.settled();

      const unlucky = fake.createUser({ first_name: 'Unlucky' });
      fake.failNext({ method: 'createChatInviteLink', bot, error_code: 502, description: 'Bad Gateway' });
      fake.failNext({
        method: 'sendMessage',
        bot,
        error_code: 429,
        description: 'Too Many Requests: retry after 1',
        retry_after: 1,
      });
      fake.userStartsBot(unlucky, bot, `${code}-u1`);
      await stack.settled();

      const sendsTo = (id: number) =>
        fake.apiCalls(bot).filter((c) => c.method === 'sendMessage' && c.params['chat_id'] === id);
      expect(sendsTo(blocker.id).map((c) => c.error_code)).toEqual([403]);
      expect(welcomesOf(unlucky.id)).toHaveLength(1);
      const leads = await allLeads();
      expect(leads.find((l) => l.subscriber === blocker.id)!.welcome).toEqual({
        state: 'failed',
        attempts: 1,
        last_error: 'sendMessage: Forbidden: bot was blocked by the user',
      });
      // The 502 counts as a failed attempt; waiting out a 429 does not.
      expect(leads.find((l) => l.subscriber === unlucky.id)!.welcome).toEqual({
        state: 'delivered',
        attempts: 1,
        last_error: '',
      });
    }, 120_000);

    it('finds a leave Telegram never sent: the lead moves to cancel and its cancel postback fires once', async () => {
      const fake = stack.telegram.fake;
      const clock = stack.clock!;
      const receiver = new Receiver();
      const base = await receiver.start();
      try {
        const quietChat = await botWithChat(stack, api, 'quiet_bot', 'Quiet chat');
        const { bot: quiet, chat } = quietChat;
        const campaign = await addCampaign(api, quietChat, {
          name: 'quiet',
          join_mode: 'direct',
          unsub_window: 24,
          postbacks: { cancel: `${base}/pb?l={lead}&s={status}` },
        });
        const user = fake.createUser({ first_name: 'Silent' });
        clock.now = fake.now();
        fake.userStartsBot(user, quiet, `${campaign.code}-q1`);
        await stack.settled();
        fake.userJoins(user, chat, lastInviteLink(stack, user.id));
        await stack.settled();
        fake.userLeaves(user, chat, { unannounced: true });
        // Past the settle time the recheck leaves recently changed leads alone for.
        clock.now += 3600;

        const leadOf = async () =>
          (
            (await api.ok('/api/leads/list.json', { campaign: campaign.id })).data as { status: number }[]
          )[0]!;
        await until('the recheck to find the leave', async () => (await leadOf()).status === 3);
        await stack.settled();
        const journal = await api.ok('/api/journal/list.json', { chat: chat.id });
        expect(journal.data.map((r: { action: string }) => r.action)).toEqual(['leave', 'join']);
        const deliveries = async () =>
          (await api.ok('/api/postbacks/list.json', { campaign: campaign.id, state: 'delivered' })).total;
        await until('the cancel postback', async () => (await deliveries()) >= 1);
        // Later rounds find the lead cancelled and leave it be: one leave, one postback.
        await new Promise((r) => setTimeout(r, 1000));
        await stack.settled();
        expect((await api.ok('/api/journal/list.json', { chat: chat.id })).total).toBe(2);
        expect(receiver.delivered()).toHaveLength(1);
        expect(receiver.requests[0]!.url.searchParams.get('s')).toBe('cancel');
      } finally {
        await receiver.close();
      }
    }, 120_000);

    it('holds welcomes while the bot is out of the chat or its token is refused, and sends them once healthy', async () => {
      const fake = stack.telegram.fake;
      const healthChat = await botWithChat(stack, api, 'health_bot', 'Health chat');
      const { bot: healthy, chat } = healthChat;
      const campaign = await addCampaign(api, healthChat, { name: 'health', join_mode: 'direct' });
      const healthOf = async () =>
        ((await api.ok('/api/campaigns/list.json')).data as { id: number; health: string }[]).find(
          (c) => c.id === campaign.id,
        )!.health;
      const welcomeOf = async (subscriber: number) =>
        (
          (await api.ok('/api/leads/list.json', { campaign: campaign.id })).data as {
            subscriber: number;
            welcome: { state: string; last_error: string } | null;
          }[]
        ).find((l) => l.subscriber === subscriber)?.welcome ?? null;
      expect(await healthOf()).toBe('ok');

      // The bot is removed from the chat: the campaign says so, and welcomes wait.
      fake.removeBotFromChat(healthy, chat);
      await stack.settled();
      expect(await healthOf()).toBe('removed');
      const listed = async (all: boolean) =>
        (
          (await api.ok('/api/chats/list.json', { bot: healthy.id, ...(all ? { all: 1 } : {}) })).data as {
            id: number;
            status: string;
          }[]
        ).filter((c) => c.id === chat.id);
      expect(await listed(false)).toEqual([]);
      expect(await listed(true)).toMatchObject([{ status: 'removed' }]);
      const first = fake.createUser({ first_name: 'Waits' });
      fake.userStartsBot(first, healthy, `${campaign.code}-h1`);
      await until('a held welcome', async () => (await welcomeOf(first.id))?.last_error !== '');
      expect(await welcomeOf(first.id)).toMatchObject({
        state: 'pending',
        last_error: 'waiting: the bot is not in the chat',
      });
      expect(fake.apiCalls(healthy).filter((c) => c.method === 'createChatInviteLink')).toHaveLength(0);
      fake.addBotToChat(healthy, chat, { admin: true });
      await stack.settled();
      expect(await welcomeOf(first.id)).toMatchObject({ state: 'delivered' });
      expect(await healthOf()).toBe('ok');

      // Telegram refuses the token: the bot is marked, welcomes wait until it is added again.
      fake.failNext({
        method: 'createChatInviteLink',
        bot: healthy,
        error_code: 401,
        description: 'Unauthorized',
      });
      const second = fake.createUser({ first_name: 'Waits too' });
      fake.userStartsBot(second, healthy, `${campaign.code}-h2`);
      await until('the revoked token', async () => (await healthOf()) === 'token_revoked');
      const bots = (await api.ok('/api/bots/list.json')).data as { id: number; status: string }[];
      expect(bots.find((b) => b.id === healthy.id)).toMatchObject({ status: 'token_revoked' });
      expect(await welcomeOf(second.id)).toMatchObject({ state: 'pending' });
      expect((await api.post('/api/bots/add.json', { token: healthy.token })).status).toBe(200);
      await stack.settled();
      expect(await welcomeOf(second.id)).toMatchObject({ state: 'delivered', last_error: '' });
      expect(welcomesOf(second.id)).toHaveLength(1);
    }, 120_000);
  });
}
