import type { CreatedBot } from '@subtrack/telegram-fake';
import { waitFor } from '@subtrack/testing';
import {
  botWithChat,
  createAccount,
  lastInviteLink,
  startStack,
  type Api,
  type EmbeddedStack,
} from './harness';

describe('embedded with TELEGRAM_MODE=polling', () => {
  let stack: EmbeddedStack;
  let api: Api;
  let bot: CreatedBot;
  afterAll(async () => stack?.close());

  it('receives updates by long polling and tracks a lead end to end', async () => {
    stack = await startStack({ mode: 'polling' });
    const fake = stack.telegram.fake;
    api = (await createAccount(stack, 'poller')).api;
    const made = await botWithChat(stack, api, 'poll_bot', 'Polled chat');
    bot = made.bot;
    const chat = made.chat;
    expect(fake.apiCalls(bot).some((c) => c.method === 'getUpdates')).toBe(true);
    const campaign = (
      await api.post('/api/campaigns/add.json', {
        name: 'p',
        bot: bot.id,
        chat: chat.id,
        join_mode: 'direct',
        default: true,
      })
    ).body.data;

    const user = fake.createUser({ first_name: 'Pat', username: 'patrick' });
    fake.userStartsBot(user, bot, `${campaign.code}-pc1`);
    await stack.settled();
    fake.userJoins(user, chat, lastInviteLink(stack, user.id));
    await stack.settled();

    const leads = await api.ok('/api/leads/list.json');
    expect(leads.data).toMatchObject([
      { campaign: campaign.id, subscriber: user.id, username: 'patrick', click: 'pc1', status: 2 },
    ]);
    const journal = await api.ok('/api/journal/list.json', { chat: chat.id });
    expect(journal.data).toMatchObject([{ subscriber: user.id, action: 'join', paid: 1 }]);
  }, 60_000);

  it('points the webhooks of known bots at itself when restarted in webhook mode', async () => {
    const fake = stack.telegram.fake;
    const webhook = () =>
      (fake.snapshot().bots as { id: number; webhook: string | null }[]).find((b) => b.id === bot.id)
        ?.webhook;
    expect(webhook()).toBeNull();
    await stack.restartIn('webhook');
    await waitFor(() => webhook() === `${stack.url}/telegram/webhook/${bot.id}`, 10_000, 'the webhook');

    const user = fake.createUser({ first_name: 'Wes' });
    fake.userStartsBot(user, bot);
    await stack.settled();
    const leads = await api.ok('/api/leads/list.json');
    expect(leads.data.map((l: { subscriber: number }) => l.subscriber)).toContain(user.id);
  }, 60_000);
});
