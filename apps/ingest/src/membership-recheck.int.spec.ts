import { openEmbedded, type EmbeddedAdapters } from '@subtrack/sqlite';
import { TelegramClients } from '@subtrack/telegram';
import { startFakeTelegram, type RunningFakeTelegram } from '@subtrack/telegram-fake';
import { botChat, bot as botRecord, newCampaign, storedLead, unitOfWork } from '@subtrack/testing';
import { LeadStatus, type DomainEvent } from '@subtrack/contracts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BotApiGate } from './bot-api-gate';
import { MembershipRecheck } from './membership-recheck';

describe('MembershipRecheck', () => {
  let adapters: EmbeddedAdapters;
  let telegram: RunningFakeTelegram;
  const NOW = 1_800_000_000;

  beforeEach(async () => {
    adapters = openEmbedded(fs.mkdtempSync(path.join(os.tmpdir(), 'recheck-')));
    telegram = await startFakeTelegram({ port: 0 });
  });
  afterEach(async () => {
    await telegram.close();
    await adapters.close();
  });

  const logged = () =>
    (
      adapters.db
        .prepare('SELECT payload FROM events WHERE topic = ? ORDER BY seq')
        .all('telegram-events') as {
        payload: string;
      }[]
    ).map((r) => JSON.parse(r.payload) as DomainEvent);

  it('logs a leave and a ban nobody announced, marked as found by recheck, once, and leaves members alone', async () => {
    const fake = telegram.fake;
    const created = fake.createBot({ username: 'recheck_bot' });
    const bot = botRecord({ id: created.id, token: created.token });
    await adapters.catalog.saveBot(bot);
    const owner = fake.createUser({ first_name: 'Owner' });
    const chat = fake.createChat({ title: 'Big', type: 'supergroup', creator: owner });
    fake.addBotToChat(created, chat, { admin: true });
    await adapters.catalog.applyChat(
      botChat({ bot: bot.id, id: chat.id, account: bot.account, admin: true }),
    );
    const campaign = await adapters.catalog.createCampaign(
      newCampaign({ account: bot.account, bot: bot.id, chat: chat.id, unsubWindow: 0 }),
    );
    const [stays, leaves, banned] = ['Stays', 'Leaves', 'Banned'].map((first_name) => {
      const u = fake.createUser({ first_name });
      fake.userJoins(u, chat);
      return u;
    });
    fake.userLeaves(leaves!, chat, { unannounced: true });
    fake.adminBans(chat, banned!, owner);
    const lead = (id: number, subscriber: number) =>
      storedLead({
        id,
        account: bot.account,
        bot: bot.id,
        campaign: campaign.id,
        chat: chat.id,
        subscriber,
        status: LeadStatus.approve,
        joinTime: NOW - 7200,
        updated: NOW - 7200,
      });
    await adapters.leads.commit(
      unitOfWork({ leads: [lead(1, stays!.id), lead(2, leaves!.id), lead(3, banned!.id)] }),
    );
    const recheck = new MembershipRecheck(
      adapters.leads,
      adapters.catalog,
      adapters.eventLog,
      new TelegramClients(telegram.url),
      new BotApiGate(30),
      { perMinute: 60, clock: () => NOW },
    );
    const checked: (number | undefined)[] = [];
    for (let i = 0; i < 3; i++) checked.push((await recheck.checkNext(bot))?.id);
    expect(checked).toEqual([1, 2, 3]);
    expect(logged()).toEqual([
      expect.objectContaining({
        type: 'MemberLeft',
        key: String(leaves!.id),
        time: NOW,
        data: {
          chat: chat.id,
          subscriber: { id: leaves!.id, username: 'user' },
          foundBy: 'recheck',
          asOf: { lead: 2, seq: 2 },
        },
      }),
      expect.objectContaining({
        type: 'MemberBanned',
        data: {
          chat: chat.id,
          subscriber: { id: banned!.id, username: 'user' },
          by: 0,
          foundBy: 'recheck',
          asOf: { lead: 3, seq: 3 },
        },
      }),
    ]);
    // Checked again (the lead still approve until the leave is projected): the same event id.
    await adapters.leads.markChecked([1, 3], NOW + 1);
    expect((await recheck.checkNext(bot))?.id).toBe(2);
    // (The embedded log keeps one event per id; on Kafka a copy is skipped by the projection.)
    expect([...new Set(logged().map((e) => e.id))]).toEqual([
      `${bot.id}:recheck:2:2`,
      `${bot.id}:recheck:3:3`,
    ]);
    expect(fake.apiCalls(created).filter((c) => c.method === 'getChatMember')).toHaveLength(4);
  });
});
