import { ScenarioError } from './errors';
import { FakeTelegram } from './fake-telegram';
import type { ChatMemberUpdated } from './types';

const T0 = 1_767_225_600; // 2026-01-01T00:00:00Z

function world(allowed: string[] | null = ['message', 'chat_join_request', 'chat_member', 'my_chat_member']) {
  const fake = new FakeTelegram({ seed: 42 });
  fake.setTime(T0);
  const bot = fake.createBot({ username: 'subtrack_bot', first_name: 'Subtrack' });
  const owner = fake.createUser({ first_name: 'Olga', username: 'olga_owner' });
  const chat = fake.createChat({ title: 'Deals', type: 'supergroup', creator: owner });
  const alice = fake.createUser({ first_name: 'Alice', username: 'alice' });
  // Setting allowed_updates the way the product does (through setWebhook/getUpdates).
  void fake.callMethod(bot.token, 'deleteWebhook', {});
  if (allowed) void fake.callMethod(bot.token, 'getUpdates', { allowed_updates: allowed, timeout: 0 });
  return { fake, bot, owner, chat, alice };
}

describe('FakeTelegram scenarios', () => {
  it('creates bots with Telegram-like tokens and ids', () => {
    const { bot, chat } = world();
    expect(bot.token).toMatch(new RegExp(`^${bot.id}:[A-Za-z0-9_-]{35}$`));
    expect(chat.id).toBeLessThan(-1_000_000_000_000);
    expect(String(chat.id)).toMatch(/^-100\d{10}$/);
  });

  it('adding the bot as admin sends my_chat_member left → administrator', () => {
    const { fake, bot, owner, chat } = world();
    const [emitted] = fake.addBotToChat(bot, chat, { admin: true, by: owner });
    const upd = emitted?.update.my_chat_member as ChatMemberUpdated;
    expect(emitted?.bot_id).toBe(bot.id);
    expect(upd.chat).toEqual({ id: chat.id, type: 'supergroup', title: 'Deals' });
    expect(upd.from).toEqual({ id: owner.id, is_bot: false, first_name: 'Olga', username: 'olga_owner' });
    expect(upd.date).toBe(T0);
    expect(upd.old_chat_member).toEqual({
      status: 'left',
      user: { id: bot.id, is_bot: true, first_name: 'Subtrack', username: 'subtrack_bot' },
    });
    expect(upd.new_chat_member).toMatchObject({
      status: 'administrator',
      can_invite_users: true,
      can_restrict_members: true,
      can_be_edited: false,
    });
  });

  it('removing the bot sends my_chat_member to kicked; leaving by itself to left', () => {
    const { fake, bot, owner, chat } = world();
    fake.addBotToChat(bot, chat, { admin: true });
    const [removed] = fake.removeBotFromChat(bot, chat, owner);
    expect(removed?.update.my_chat_member?.new_chat_member).toMatchObject({
      status: 'kicked',
      until_date: 0,
    });
    fake.addBotToChat(bot, chat, { admin: false });
    const [left] = fake.removeBotFromChat(bot, chat);
    expect(left?.update.my_chat_member?.new_chat_member.status).toBe('left');
    expect(left?.update.my_chat_member?.from.id).toBe(bot.id);
  });

  it('/start sends a message with a bot_command entity in the private chat', () => {
    const { fake, bot, alice } = world();
    fake.userStartsBot(alice, bot, 'CAMP1-click_42');
    const [update] = fake.updatesFor(bot);
    expect(update).toEqual({
      update_id: 1,
      message: {
        message_id: 1,
        from: { id: alice.id, is_bot: false, first_name: 'Alice', username: 'alice' },
        chat: { id: alice.id, first_name: 'Alice', username: 'alice', type: 'private' },
        date: T0,
        text: '/start CAMP1-click_42',
        entities: [{ type: 'bot_command', offset: 0, length: 6 }],
      },
    });
    fake.userStartsBot(alice, bot);
    expect(fake.updatesFor(bot)[1]?.message?.text).toBe('/start');
    expect(() => fake.userStartsBot(alice, bot, 'bad payload!')).toThrow(ScenarioError);
  });

  it('join request → approve emits chat_join_request then chat_member with via_join_request', async () => {
    const { fake, bot, owner, chat, alice } = world();
    fake.addBotToChat(bot, chat, { admin: true });
    const answer = await fake.callMethod(bot.token, 'createChatInviteLink', {
      chat_id: chat.id,
      creates_join_request: true,
      name: 'lead-1',
    });
    const link = answer.result as { invite_link: string };
    fake.advanceTime(60);
    const [req] = fake.userRequestsJoin(alice, chat, link.invite_link);
    expect(req?.update.chat_join_request).toEqual({
      chat: { id: chat.id, type: 'supergroup', title: 'Deals' },
      from: { id: alice.id, is_bot: false, first_name: 'Alice', username: 'alice' },
      user_chat_id: alice.id,
      date: T0 + 60,
      invite_link: {
        invite_link: link.invite_link,
        creator: { id: bot.id, is_bot: true, first_name: 'Subtrack', username: 'subtrack_bot' },
        creates_join_request: true,
        is_primary: false,
        is_revoked: false,
        name: 'lead-1',
      },
    });
    fake.advanceTime(60);
    const [approved] = fake.adminApprovesJoin(chat, alice, owner);
    const cm = approved?.update.chat_member as ChatMemberUpdated;
    expect(cm.from.id).toBe(owner.id);
    expect(cm.date).toBe(T0 + 120);
    expect(cm.old_chat_member).toEqual({ status: 'left', user: expect.objectContaining({ id: alice.id }) });
    expect(cm.new_chat_member).toEqual({ status: 'member', user: expect.objectContaining({ id: alice.id }) });
    expect(cm.via_join_request).toBe(true);
    expect(cm.invite_link?.invite_link).toBe(link.invite_link);
    expect(fake.chatMember(chat, alice).status).toBe('member');
    expect(fake.pendingJoinRequests(chat)).toEqual([]);
  });

  it('declining is silent and clears the request', () => {
    const { fake, bot, chat, alice, owner } = world();
    fake.addBotToChat(bot, chat, { admin: true });
    const link = fake.createInviteLink(chat, owner, { creates_join_request: true });
    fake.userRequestsJoin(alice, chat, link);
    expect(fake.adminDeclinesJoin(chat, alice)).toEqual([]);
    expect(() => fake.adminApprovesJoin(chat, alice)).toThrow('HIDE_REQUESTER_MISSING');
  });

  it('hides the second half of links created by someone else, per receiving bot', () => {
    const { fake, bot, chat, alice, owner } = world();
    const other = fake.createBot({ username: 'other_bot' });
    void fake.callMethod(other.token, 'getUpdates', {
      allowed_updates: ['chat_join_request', 'chat_member'],
    });
    fake.addBotToChat(bot, chat, { admin: true });
    fake.addBotToChat(other, chat, { admin: true });
    const link = fake.createInviteLink(chat, bot, { creates_join_request: true });
    const emitted = fake.userRequestsJoin(alice, chat, link);
    const seenBy = (id: number) =>
      emitted.find((e) => e.bot_id === id)?.update.chat_join_request?.invite_link?.invite_link;
    expect(seenBy(bot.id)).toBe(link.invite_link);
    expect(seenBy(other.id)).toBe(`${link.invite_link.slice(0, -8)}...`);
    expect(seenBy(other.id)).toMatch(/^https:\/\/t\.me\/\+[A-Za-z0-9_-]{8}\.\.\.$/);
    // An owner-made link is hidden from every bot.
    const ownerLink = fake.createInviteLink(chat, owner);
    const bob = fake.createUser({ first_name: 'Bob' });
    const joined = fake.userJoins(bob, chat, ownerLink);
    expect(joined.map((e) => e.update.chat_member?.invite_link?.invite_link.endsWith('...'))).toEqual([
      true,
      true,
    ]);
  });

  it('direct join via link, leave, ban and kick produce the chat_member transitions', () => {
    const { fake, bot, chat, alice, owner } = world();
    fake.addBotToChat(bot, chat, { admin: true });
    const link = fake.createInviteLink(chat, bot);
    const [join] = fake.userJoins(alice, chat, link);
    expect(join?.update.chat_member).toMatchObject({
      from: { id: alice.id },
      old_chat_member: { status: 'left' },
      new_chat_member: { status: 'member' },
      invite_link: { invite_link: link.invite_link, creates_join_request: false },
    });
    expect(join?.update.chat_member).not.toHaveProperty('via_join_request');
    expect(join?.update.chat_member).not.toHaveProperty('via_chat_folder_invite_link');
    const [leave] = fake.userLeaves(alice, chat);
    expect(leave?.update.chat_member).toMatchObject({
      from: { id: alice.id },
      old_chat_member: { status: 'member' },
      new_chat_member: { status: 'left' },
    });
    fake.userJoins(alice, chat);
    const [ban] = fake.adminBans(chat, alice, owner);
    expect(ban?.update.chat_member).toMatchObject({
      from: { id: owner.id },
      new_chat_member: { status: 'kicked', until_date: 0 },
    });
    expect(() => fake.userJoins(alice, chat)).toThrow('banned');
    fake.adminUnbans(chat, alice);
    fake.userJoins(alice, chat);
    const kick = fake.adminKicks(chat, alice, owner).map((e) => e.update.chat_member);
    expect(kick.map((c) => [c?.old_chat_member.status, c?.new_chat_member.status])).toEqual([
      ['member', 'kicked'],
      ['kicked', 'left'],
    ]);
    expect(kick.every((c) => c?.from.id === owner.id)).toBe(true);
  });

  it('refuses joins Telegram would not allow', () => {
    const { fake, bot, chat, alice, owner } = world();
    fake.addBotToChat(bot, chat, { admin: true });
    const requestLink = fake.createInviteLink(chat, owner, { creates_join_request: true });
    const directLink = fake.createInviteLink(chat, owner, { member_limit: 1 });
    expect(() => fake.userJoins(alice, chat, requestLink)).toThrow('use userRequestsJoin');
    expect(() => fake.userRequestsJoin(alice, chat, directLink)).toThrow('use userJoins');
    fake.userJoins(alice, chat, directLink);
    expect(() => fake.userJoins(alice, chat)).toThrow('already a member');
    const bob = fake.createUser({ first_name: 'Bob' });
    expect(() => fake.userJoins(bob, chat, directLink)).toThrow('member limit');
    expect(() => fake.createInviteLink(chat, owner, { creates_join_request: true, member_limit: 5 })).toThrow(
      ScenarioError,
    );
    expect(() => fake.createInviteLink(chat, bob)).toThrow('not an administrator');
  });

  it('follows Telegram allowed_updates defaults: chat_member only when asked for', () => {
    const { fake, bot, chat, alice, owner } = world(null);
    fake.addBotToChat(bot, chat, { admin: true });
    const link = fake.createInviteLink(chat, bot, { creates_join_request: true });
    fake.userRequestsJoin(alice, chat, link);
    fake.adminApprovesJoin(chat, alice, owner);
    fake.userStartsBot(alice, bot);
    expect(fake.updatesFor(bot).map((u) => Object.keys(u).find((k) => k !== 'update_id'))).toEqual([
      'my_chat_member',
      'chat_join_request',
      'message',
    ]);
  });

  it('only the listed types reach a bot with explicit allowed_updates', () => {
    const { fake, bot, chat, alice } = world(['chat_member']);
    fake.addBotToChat(bot, chat, { admin: true });
    fake.userStartsBot(alice, bot);
    fake.userJoins(alice, chat);
    expect(fake.updatesFor(bot).map((u) => Object.keys(u)[1])).toEqual(['chat_member']);
  });

  it('does not tell non-admin bots about members', () => {
    const { fake, bot, chat, alice } = world();
    fake.addBotToChat(bot, chat, { admin: false });
    expect(fake.userJoins(alice, chat)).toEqual([]);
  });

  it('numbers updates per bot and leaves pushUpdate payloads untouched', () => {
    const { fake, bot, alice } = world();
    const other = fake.createBot({ username: 'second_bot' });
    fake.userStartsBot(alice, bot);
    fake.userStartsBot(alice, other);
    fake.userStartsBot(alice, bot);
    expect(fake.updatesFor(bot).map((u) => u.update_id)).toEqual([1, 2]);
    expect(fake.updatesFor(other).map((u) => u.update_id)).toEqual([1]);
    expect(fake.pushUpdate(bot, { chat_member: { broken: true } })).toEqual({
      update_id: 3,
      chat_member: { broken: true },
    });
    expect(fake.pushUpdate(bot, { update_id: 10, foo: 1 }).update_id).toBe(10);
    fake.userStartsBot(alice, bot);
    expect(fake.updatesFor(bot).at(-1)?.update_id).toBe(11);
  });

  it('clock: frozen, advanced, ticking and real', () => {
    const fake = new FakeTelegram();
    const real = Math.floor(Date.now() / 1000);
    expect(Math.abs(fake.now() - real)).toBeLessThanOrEqual(1);
    fake.setTime(T0);
    expect(fake.now()).toBe(T0);
    fake.advanceTime(86_400);
    expect(fake.now()).toBe(T0 + 86_400);
    fake.setTime(T0, { ticking: true });
    expect(fake.now() - T0).toBeLessThanOrEqual(1);
    fake.advanceTime(3600);
    expect(fake.now() - T0 - 3600).toBeLessThanOrEqual(1);
    fake.resetTime();
    expect(Math.abs(fake.now() - real)).toBeLessThanOrEqual(2);
  });

  it('generateTraffic plays many lifecycles consistently', () => {
    const { fake, bot, chat } = world();
    fake.addBotToChat(bot, chat, { admin: true });
    const before = fake.updatesFor(bot).length;
    const result = fake.generateTraffic({
      bot,
      chat,
      subscribers: 300,
      organic: 50,
      seed: 7,
      stepSeconds: 60,
    });
    expect(result.starts).toBe(300);
    expect(result.users).toBe(350);
    expect(fake.updatesFor(bot).length - before).toBe(result.updates);
    expect(result.requests).toBeGreaterThan(200);
    expect(fake.now()).toBe(T0 + 350 * 60);
    const again = world();
    again.fake.addBotToChat(again.bot, again.chat, { admin: true });
    expect(
      again.fake.generateTraffic({
        bot: again.bot,
        chat: again.chat,
        subscribers: 300,
        organic: 50,
        seed: 7,
      }),
    ).toEqual(result);
  });

  it('idle ignores bots nobody consumes and waits for consumed queues', async () => {
    const fake = new FakeTelegram();
    const idle = fake.createBot({ username: 'unused_bot' });
    const used = fake.createBot({ username: 'used_bot' });
    const user = fake.createUser({ first_name: 'U' });
    fake.userStartsBot(user, idle);
    await expect(fake.idle({ timeoutMs: 50 })).resolves.toBeUndefined();
    await fake.callMethod(used.token, 'getMe', {});
    fake.userStartsBot(user, used);
    await expect(fake.idle({ timeoutMs: 50 })).rejects.toThrow(/not idle/);
    const waiting = fake.idle({ timeoutMs: 1000 });
    await fake.callMethod(used.token, 'getUpdates', { offset: 2 });
    await expect(waiting).resolves.toBeUndefined();
  });
});
