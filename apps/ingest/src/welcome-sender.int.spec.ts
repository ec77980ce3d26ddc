import { openEmbedded, type EmbeddedAdapters } from '@subtrack/sqlite';
import { TelegramClients } from '@subtrack/telegram';
import { startFakeTelegram, type RunningFakeTelegram } from '@subtrack/telegram-fake';
import { botChat, bot as botRecord, newWelcome, unitOfWork } from '@subtrack/testing';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BotApiGate } from './bot-api-gate';
import { WelcomeSender } from './welcome-sender';

describe('WelcomeSender', () => {
  let adapters: EmbeddedAdapters;
  let telegram: RunningFakeTelegram;
  let clock = 1_000_000;

  beforeEach(async () => {
    adapters = openEmbedded(fs.mkdtempSync(path.join(os.tmpdir(), 'welcomes-')));
    telegram = await startFakeTelegram({ port: 0 });
    clock = 1_000_000;
  });
  afterEach(async () => {
    await telegram.close();
    await adapters.close();
  });

  /** A bot of the fake registered with the product, a chat it administers, a user who started it. */
  const setUp = async () => {
    const fake = telegram.fake;
    const created = fake.createBot({ username: 'unit_bot' });
    const bot = botRecord({ id: created.id, token: created.token });
    await adapters.catalog.saveBot(bot);
    const chat = fake.createChat({ title: 'Unit', type: 'supergroup' });
    fake.addBotToChat(created, chat, { admin: true });
    // What the projection learns from the bot's my_chat_member update.
    await adapters.catalog.applyChat(
      botChat({ bot: bot.id, id: chat.id, account: bot.account, admin: true }),
    );
    const user = fake.createUser({ first_name: 'U' });
    fake.userStartsBot(user, created);
    const welcome = newWelcome({ bot: bot.id, chat: chat.id, subscriber: user.id, account: bot.account });
    await adapters.leads.commit(unitOfWork({ welcomes: [welcome] }));
    const sender = new WelcomeSender(
      adapters.welcomes,
      { get: (id) => adapters.catalog.getBot(id) },
      adapters.catalog,
      adapters.ingest,
      adapters.eventLog,
      new TelegramClients(telegram.url),
      new BotApiGate(30, () => clock),
      { now: () => clock },
    );
    return { fake, bot, chat, user, welcome, sender };
  };

  it('makes the link, logs it, then sends the welcome with it', async () => {
    const { fake, user, welcome, sender } = await setUp();
    await sender.deliver((await adapters.welcomes.get(welcome.id))!);
    const [message] = fake.messagesSentTo(user.id);
    const url = message?.reply_markup?.inline_keyboard[0]?.[0]?.url;
    expect(url).toMatch(/^https:\/\/t\.me\/\+/);
    expect(await adapters.welcomes.get(welcome.id)).toMatchObject({ state: 'delivered', inviteLink: url });
    expect(await adapters.ingest.inviteLink(welcome.campaign, welcome.subscriber)).toBe(url);
    const logged = adapters.db
      .prepare('SELECT payload FROM events WHERE topic = ? ORDER BY seq')
      .all('telegram-events') as { payload: string }[];
    expect(logged.map((r) => JSON.parse(r.payload))).toEqual([
      expect.objectContaining({
        id: `${welcome.id}:link`,
        type: 'InviteLinkCreated',
        data: { campaign: welcome.campaign, chat: welcome.chat, subscriber: user.id, inviteLink: url },
      }),
    ]);
  });

  it('waits out retry_after without counting a failure, and keeps the link made before the 429', async () => {
    const { fake, bot, user, welcome, sender } = await setUp();
    fake.failNext({
      method: 'sendMessage',
      bot: bot.id,
      error_code: 429,
      description: 'Too Many Requests: retry after 7',
      retry_after: 7,
    });
    await sender.deliver((await adapters.welcomes.get(welcome.id))!);
    const after = (await adapters.welcomes.get(welcome.id))!;
    expect(after).toMatchObject({ state: 'pending', attempts: 0, nextAt: clock + 7000 });
    expect(after.inviteLink).not.toBe('');
    expect(fake.messagesSentTo(user.id)).toHaveLength(0);
    expect(fake.apiCalls(bot.id).filter((c) => c.method === 'createChatInviteLink')).toHaveLength(1);
  });

  it('hands a welcome back instead of waiting past its lease, calling nothing', async () => {
    const { fake, bot, welcome, sender } = await setUp();
    const calls = fake.apiCalls(bot.id).length;
    await sender.deliver((await adapters.welcomes.get(welcome.id))!, clock - 1);
    expect(await adapters.welcomes.get(welcome.id)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(fake.apiCalls(bot.id)).toHaveLength(calls);
  });

  it('stops for good on a permanent answer, and on a bot that was removed', async () => {
    const { bot, user, welcome, sender, fake } = await setUp();
    fake.userBlocksBot(user, bot.id);
    await sender.deliver((await adapters.welcomes.get(welcome.id))!);
    expect(await adapters.welcomes.get(welcome.id)).toMatchObject({
      state: 'failed',
      attempts: 1,
      lastError: 'sendMessage: Forbidden: bot was blocked by the user',
    });
    const orphan = newWelcome({ bot: bot.id + 1000 });
    await adapters.leads.commit(unitOfWork({ welcomes: [orphan] }));
    await sender.deliver((await adapters.welcomes.get(orphan.id))!);
    expect(await adapters.welcomes.get(orphan.id)).toMatchObject({
      state: 'failed',
      lastError: 'bot removed',
    });
  });
});
