import {
  FakeTelegramClient,
  startFakeTelegram,
  type RunningFakeTelegram,
  type Update,
} from '@subtrack/telegram-fake';
import { startStubProduct, type StubProduct } from '../test/stub-product';
import { expectedSummary } from './expected';
import { planSimulation, type SubscriberStep } from './plan';
import { ProductClient, findChatRecord } from './product';
import { formatReport } from './report';
import { findInviteLink, runPlan } from './run';
import { simulate } from './simulate';

jest.setTimeout(30_000);

let tg: RunningFakeTelegram;
let product: StubProduct;

beforeEach(async () => {
  tg = await startFakeTelegram({ port: 0, seed: 3 });
  product = await startStubProduct(tg.url, 'admin-secret');
});
afterEach(async () => {
  await product.close();
  await tg.close();
});

/** How each planned step must show up in the bot's updates: [update type, old status, new status]. */
function expectedTransitions(steps: SubscriberStep[]): string[] {
  return steps.flatMap((step) => {
    switch (step.kind) {
      case 'start':
        return [`message /start`];
      case 'request':
        return ['chat_join_request'];
      case 'approve':
        return ['chat_member left→member via_join_request'];
      case 'join':
        return ['chat_member left→member'];
      case 'leave':
        return ['chat_member member→left'];
      case 'ban':
        return ['chat_member member→kicked'];
      case 'kick':
        return ['chat_member member→kicked', 'chat_member kicked→left'];
    }
  });
}

function describeUpdate(u: Update): { user: number; text: string } | undefined {
  if (u.message) return { user: u.message.chat.id, text: 'message /start' };
  if (u.chat_join_request) return { user: u.chat_join_request.from.id, text: 'chat_join_request' };
  const cm = u.chat_member;
  if (cm) {
    const via = cm.via_join_request ? ' via_join_request' : '';
    return {
      user: cm.new_chat_member.user.id,
      text: `chat_member ${cm.old_chat_member.status}→${cm.new_chat_member.status}${via}`,
    };
  }
  return undefined;
}

describe('runPlan against the fake (in process) and a stub product', () => {
  it('produces, per subscriber, exactly the updates the plan implies, with the links the bot handed out', async () => {
    const fake = tg.fake;
    const admin = new ProductClient(product.url);
    const account = await admin.createAccount('admin-secret', 'sim');
    const api = admin.withKey(account.api_key);
    const bot = fake.createBot({ username: 'runspec_bot' });
    const productBot = await api.addBot(bot.token);
    const owner = fake.createUser({ first_name: 'Owner' });
    const chat = fake.createChat({ title: 'Run', type: 'supergroup', creator: owner });
    fake.addBotToChat(bot, chat, { admin: true, by: owner });
    let record: { id: number | string } | undefined;
    while (!record) {
      record = findChatRecord(await api.listChats(productBot.id), chat.id);
      await new Promise((r) => setTimeout(r, 20));
    }
    const request = await api.addCampaign({
      name: 'r',
      bot: productBot.id,
      chat: record.id,
      join_mode: 'request',
    });
    const direct = await api.addCampaign({
      name: 'd',
      bot: productBot.id,
      chat: record.id,
      join_mode: 'direct',
    });

    const plan = planSimulation({ subscribers: 40, organic: 8, seed: 5, joinModes: ['request', 'direct'] });
    const result = await runPlan(
      plan,
      {
        telegram: fake,
        botId: bot.id,
        chatId: chat.id,
        adminId: owner.id,
        campaignCodes: [request.code, direct.code],
      },
      { replyTimeoutMs: 5000, pollIntervalMs: 10 },
    );
    await fake.idle({ timeoutMs: 10_000 });
    expect(result.errors).toEqual([]);

    const byUser = new Map<number, string[]>();
    for (const u of fake.updatesFor(bot)) {
      const d = describeUpdate(u);
      if (d) byUser.set(d.user, [...(byUser.get(d.user) ?? []), d.text]);
    }
    plan.subscribers.forEach((sub) => {
      const userId = result.users.subscribers[sub.index] as number;
      expect({ sub: sub.index, updates: byUser.get(userId) }).toEqual({
        sub: sub.index,
        updates: expectedTransitions(sub.steps),
      });
      // Every /start was answered with a link the subscriber then used.
      const messages = fake.messagesSentTo(userId);
      expect(messages.length).toBe(sub.steps.filter((st) => st.kind === 'start').length);
      expect(messages.every((m) => findInviteLink(m))).toBe(true);
    });
    plan.organic.forEach((org) => {
      const userId = result.users.organic[org.index] as number;
      const want = org.steps.map((st) =>
        st.kind === 'join'
          ? 'chat_member left→member'
          : st.kind === 'leave'
            ? 'chat_member member→left'
            : 'chat_member member→kicked',
      );
      expect(byUser.get(userId)).toEqual(want);
    });
    // Paid joins carry the subscriber's own link, seen in full by the bot that created it.
    const paidJoins = fake
      .updatesFor(bot)
      .filter(
        (u) =>
          u.chat_member?.new_chat_member.status === 'member' &&
          result.users.subscribers.includes(u.chat_member.new_chat_member.user.id),
      );
    expect(paidJoins.length).toBeGreaterThan(0);
    expect(
      paidJoins.every(
        (u) => u.chat_member?.invite_link && !u.chat_member.invite_link.invite_link.endsWith('...'),
      ),
    ).toBe(true);

    const stats = await api.summary({ from: 0, to: fake.now() + 10 });
    expect(stats).toEqual(expectedSummary(plan));
  });

  it('reports subscribers whose /start gets no reply, and carries on', async () => {
    const fake = tg.fake;
    const bot = fake.createBot({ username: 'silent_bot' });
    const owner = fake.createUser({ first_name: 'Owner' });
    const chat = fake.createChat({ title: 'Silent', type: 'supergroup', creator: owner });
    const plan = planSimulation({ subscribers: 3, organic: 2, seed: 1, joinModes: ['direct'] });
    const lines: string[] = [];
    const result = await runPlan(
      plan,
      { telegram: fake, botId: bot.id, chatId: chat.id, adminId: owner.id, campaignCodes: ['NOPE'] },
      { replyTimeoutMs: 50, pollIntervalMs: 10, log: (l) => lines.push(l) },
    );
    expect(result.errors).toHaveLength(3);
    expect(result.errors[0]).toMatchObject({ step: 'start', error: expect.stringMatching(/no invite link/) });
    expect(result.actions.start).toBe(3);
    expect(result.actions.organic_join).toBe(2);
    expect(lines.some((l) => l.includes('no invite link'))).toBe(true);
  });
});

describe('simulate (out of process, through the control API)', () => {
  it('sets everything up through the product API and ends with matching numbers', async () => {
    const lines: string[] = [];
    const outcome = await simulate(
      {
        api: product.url,
        telegram: tg.url,
        adminToken: 'admin-secret',
        subscribers: 30,
        organic: 6,
        seed: 11,
        joinModes: ['request', 'direct'],
        concurrency: 4,
        replyTimeoutMs: 5000,
        settleMs: 2000,
      },
      (l) => lines.push(l),
      new FakeTelegramClient(tg.url),
    );
    expect(outcome.errors).toBe(0);
    expect(outcome.matched).toBe(true);
    expect(outcome.report).toMatch(/Summary: account — MATCH/);
    expect(outcome.report).toMatch(/campaign 1 \(request\) — MATCH/);
    expect(lines.join('\n')).toMatch(/discovered by the product/);
  });

  it('fails clearly when the admin token is wrong', async () => {
    await expect(
      simulate(
        {
          api: product.url,
          telegram: tg.url,
          adminToken: 'wrong',
          subscribers: 1,
          organic: 0,
          seed: 1,
          joinModes: ['direct'],
          concurrency: 1,
          replyTimeoutMs: 100,
          settleMs: 0,
        },
        () => undefined,
      ),
    ).rejects.toThrow(/HTTP 401/);
  });
});

describe('helpers', () => {
  it('findChatRecord accepts arrays or wrapped arrays and returns the product id', () => {
    expect(findChatRecord([{ id: 7, chat_id: -100123 }], -100123)).toEqual({ id: 7 });
    expect(findChatRecord({ chats: [{ id: 'a', telegram_id: '-100123' }] }, -100123)).toEqual({ id: 'a' });
    expect(findChatRecord([{ id: 7, chat_id: -1 }], -100123)).toBeUndefined();
  });

  it('formatReport shows expected and product numbers side by side and flags differences', () => {
    const expected = {
      starts: 2,
      holds: 1,
      confirms: 1,
      cancels: 0,
      trashes: 0,
      cr: 50,
      organic_joins: 1,
      organic_leaves: 0,
    };
    const text = formatReport({
      planned: { start: 2 },
      performed: { start: 2 },
      comparisons: [
        { scope: 'account', expected, actual: { ...expected, confirms: 0 } },
        { scope: 'campaign 1', expected, actual: { error: 'HTTP 500' } },
      ],
      errors: 0,
    });
    expect(text).toMatch(/Summary: account — MISMATCH/);
    expect(text).toMatch(/confirms\s+1\s+0\s+<-- differs/);
    expect(text).toMatch(/product: HTTP 500/);
  });
});
