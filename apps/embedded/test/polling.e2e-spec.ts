import { botWithChat, createAccount, lastInviteLink, startStack, type Stack } from './harness';

describe('embedded with TELEGRAM_MODE=polling', () => {
  let stack: Stack;
  afterAll(async () => stack?.close());

  it('receives updates by long polling and tracks a lead end to end', async () => {
    stack = await startStack({ mode: 'polling' });
    const fake = stack.telegram.fake;
    const { api } = await createAccount(stack, 'poller');
    const { bot, chat } = await botWithChat(stack, api, 'poll_bot', 'Polled chat');
    expect(fake.apiCalls(bot).some((c) => c.method === 'getUpdates')).toBe(true);
    const campaign = (
      await api.post('/api/campaigns/add.json', {
        name: 'p',
        bot: bot.id,
        chat: chat.id,
        join_mode: 'direct',
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
});
