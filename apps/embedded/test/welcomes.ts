import { inviteLinkButtons } from '@subtrack/telegram-fake';
import { botWithChat, createAccount, type Api, type Stack } from './harness';

/** Telegram as production has it: a round trip away, and throttled past ~30 calls a second. */
const LATENCY_MS = 150;
const FLOOD_LIMIT = 30;

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
      const campaign = (
        await api.post('/api/campaigns/add.json', {
          name: 'burst',
          bot: bot.id,
          chat: chat.id,
          join_mode: 'request',
          welcome: 'Hello!',
        })
      ).body.data;
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
      fake.userRequestsJoin(first!, chat, links[0]!);
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
  });
}
