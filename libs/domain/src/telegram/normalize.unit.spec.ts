import { EVENT_VERSION, parseDomainEvent } from '@subtrack/contracts';
import { MalformedUpdateError, normalizeUpdate, type BotContext } from './normalize';

// ---- realistic Bot API update builders ------------------------------------------------------------

const CTX: BotContext = { account: 3, bot: 7000001 };
const DATE = 1_779_271_200; // 2026-05-20 10:00:00 UTC

const alice = { id: 9876543210, is_bot: false, first_name: 'Alice', username: 'alice', language_code: 'en' };
const noUsername = { id: 5550001, is_bot: false, first_name: 'Nameless' };
const admin = { id: 111, is_bot: false, first_name: 'Admin', username: 'chat_admin' };
const botUser = { id: CTX.bot, is_bot: true, first_name: 'Tracker', username: 'TrackerBot' };

const channel = { id: -1001234567890, title: 'Deals Channel', type: 'channel', username: 'deals' };
const group = { id: -1009876543210, title: 'Deals Chat', type: 'supergroup' };
const privateChatOf = (u: { id: number; first_name: string; username?: string }) => ({
  id: u.id,
  first_name: u.first_name,
  ...(u.username ? { username: u.username } : {}),
  type: 'private',
});

const personalLink = (createsJoinRequest: boolean) => ({
  invite_link: 'https://t.me/+AbCdEfGhIjK1',
  creator: botUser,
  creates_join_request: createsJoinRequest,
  is_primary: false,
  is_revoked: false,
  name: 'lead 1001',
});

type Update = Record<string, unknown>;
const update = (updateId: number, body: Record<string, unknown>): Update => ({
  update_id: updateId,
  ...body,
});

/** A copy of `raw` with `raw[kind][field]` removed. */
const without = (raw: Update, kind: string, field: string): Update => {
  const { [field]: _removed, ...rest } = raw[kind] as Record<string, unknown>;
  return { ...raw, [kind]: rest };
};

const message = (
  text: string | undefined,
  opts: { from?: object; chat?: object; updateId?: number } = {},
) => {
  const from = opts.from ?? alice;
  return update(opts.updateId ?? 100, {
    message: {
      message_id: 42,
      from,
      chat: opts.chat ?? privateChatOf(from as typeof alice),
      date: DATE,
      ...(text !== undefined ? { text } : {}),
      ...(text?.startsWith('/')
        ? { entities: [{ offset: 0, length: text.split(' ')[0]!.length, type: 'bot_command' }] }
        : {}),
    },
  });
};

const joinRequest = (opts: { link?: object; from?: object; updateId?: number } = {}) =>
  update(opts.updateId ?? 101, {
    chat_join_request: {
      chat: channel,
      from: opts.from ?? alice,
      user_chat_id: alice.id,
      date: DATE + 60,
      ...(opts.link ? { invite_link: opts.link } : {}),
    },
  });

const chatMember = (
  oldStatus: object,
  newStatus: object,
  opts: {
    by?: object;
    link?: object;
    viaJoinRequest?: boolean;
    user?: object;
    updateId?: number;
    chat?: object;
  } = {},
) => {
  const user = opts.user ?? alice;
  return update(opts.updateId ?? 102, {
    chat_member: {
      chat: opts.chat ?? channel,
      from: opts.by ?? user,
      date: DATE + 120,
      old_chat_member: { user, ...oldStatus },
      new_chat_member: { user, ...newStatus },
      ...(opts.link ? { invite_link: opts.link } : {}),
      ...(opts.viaJoinRequest !== undefined ? { via_join_request: opts.viaJoinRequest } : {}),
    },
  });
};
const LEFT = { status: 'left' };
const MEMBER = { status: 'member' };
const KICKED = { status: 'kicked', until_date: 0 };

const myChatMember = (chat: object, oldStatus: object, newStatus: object, updateId = 103) =>
  update(updateId, {
    my_chat_member: {
      chat,
      from: admin,
      date: DATE + 180,
      old_chat_member: { user: botUser, ...oldStatus },
      new_chat_member: { user: botUser, ...newStatus },
    },
  });
const ADMINISTRATOR = {
  status: 'administrator',
  can_be_edited: false,
  can_manage_chat: true,
  can_invite_users: true,
  can_restrict_members: true,
  is_anonymous: false,
};

const normalize = (raw: unknown) => normalizeUpdate(raw, CTX);
const eventOf = (raw: unknown) => {
  const n = normalize(raw);
  if (n.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(n)}`);
  return n.event;
};
const expectMalformed = (raw: unknown, field: string) => {
  expect(() => normalize(raw)).toThrow(MalformedUpdateError);
  expect(() => normalize(raw)).toThrow(field);
};

// ---- tests ----------------------------------------------------------------------------------------

describe('normalizeUpdate (SPEC §3, §5)', () => {
  describe('message /start', () => {
    it('a /start with a payload in a private chat is a start request', () => {
      expect(normalize(message('/start SUMMER-abc456xyz'))).toEqual({
        kind: 'start',
        start: {
          updateId: 100,
          time: DATE,
          subscriber: { id: alice.id, username: 'alice' },
          payload: 'SUMMER-abc456xyz',
        },
      });
    });

    it('a bare /start has an empty payload', () => {
      expect(normalize(message('/start'))).toMatchObject({ kind: 'start', start: { payload: '' } });
    });

    it('/start@BotName payload (command addressed to the bot) keeps the payload', () => {
      expect(normalize(message('/start@TrackerBot SUMMER-abc'))).toMatchObject({
        kind: 'start',
        start: { payload: 'SUMMER-abc' },
      });
    });

    it('a subscriber without a username gets username ""', () => {
      expect(normalize(message('/start X', { from: noUsername }))).toMatchObject({
        kind: 'start',
        start: { subscriber: { id: noUsername.id, username: '' } },
      });
    });

    it.each([
      ['a /start in a group', message('/start SUMMER-abc', { chat: group })],
      ['a /start in a channel-like chat', message('/start SUMMER-abc', { chat: channel })],
      ['plain text', message('hello')],
      ['another command', message('/help')],
      ['a command that only starts with /start', message('/starter')],
      ['a message without text (photo)', message(undefined)],
    ])('%s is ignored', (_name, raw) => {
      expect(normalize(raw)).toEqual({ kind: 'ignored', reason: expect.any(String) });
    });
  });

  describe('chat_join_request', () => {
    it('becomes JoinRequested carrying the invite link', () => {
      expect(eventOf(joinRequest({ link: personalLink(true) }))).toEqual({
        id: `${CTX.bot}:101`,
        version: EVENT_VERSION,
        key: String(alice.id),
        account: CTX.account,
        bot: CTX.bot,
        updateId: 101,
        time: DATE + 60,
        type: 'JoinRequested',
        data: {
          chat: channel.id,
          subscriber: { id: alice.id, username: 'alice' },
          inviteLink: 'https://t.me/+AbCdEfGhIjK1',
        },
      });
    });

    it('without an invite link (request from the chat page) the link is ""', () => {
      expect(eventOf(joinRequest())).toMatchObject({ type: 'JoinRequested', data: { inviteLink: '' } });
    });
  });

  describe('chat_member', () => {
    it('a join through the personal link becomes MemberJoined with the link, time = update date', () => {
      expect(eventOf(chatMember(LEFT, MEMBER, { link: personalLink(false) }))).toEqual({
        id: `${CTX.bot}:102`,
        version: EVENT_VERSION,
        key: String(alice.id),
        account: CTX.account,
        bot: CTX.bot,
        updateId: 102,
        time: DATE + 120,
        type: 'MemberJoined',
        data: {
          chat: channel.id,
          subscriber: { id: alice.id, username: 'alice' },
          inviteLink: 'https://t.me/+AbCdEfGhIjK1',
        },
      });
    });

    it('a join without a link (public username) has link ""', () => {
      expect(eventOf(chatMember(LEFT, MEMBER))).toMatchObject({
        type: 'MemberJoined',
        data: { inviteLink: '' },
      });
    });

    it('an approved direct request (via_join_request true) becomes JoinRequestApproved', () => {
      expect(eventOf(chatMember(LEFT, MEMBER, { by: admin, viaJoinRequest: true }))).toMatchObject({
        type: 'JoinRequestApproved',
        key: String(alice.id),
        data: { chat: channel.id, subscriber: { id: alice.id, username: 'alice' }, inviteLink: '' },
      });
    });

    it('an approved request through the personal request link becomes JoinRequestApproved with the link', () => {
      expect(eventOf(chatMember(LEFT, MEMBER, { by: admin, link: personalLink(true) }))).toMatchObject({
        type: 'JoinRequestApproved',
        data: { inviteLink: 'https://t.me/+AbCdEfGhIjK1' },
      });
    });

    it('leaving by themselves becomes MemberLeft', () => {
      expect(eventOf(chatMember(MEMBER, LEFT))).toMatchObject({
        type: 'MemberLeft',
        data: { chat: channel.id, subscriber: { id: alice.id, username: 'alice' } },
      });
    });

    it('a ban becomes MemberBanned with who banned', () => {
      expect(eventOf(chatMember(MEMBER, KICKED, { by: admin }))).toMatchObject({
        type: 'MemberBanned',
        key: String(alice.id),
        data: { chat: channel.id, subscriber: { id: alice.id, username: 'alice' }, by: admin.id },
      });
    });

    it('a removal by an admin (member → left) becomes MemberBanned', () => {
      expect(eventOf(chatMember(MEMBER, LEFT, { by: admin }))).toMatchObject({
        type: 'MemberBanned',
        data: { by: admin.id },
      });
    });

    it.each([
      ['a promotion', MEMBER, ADMINISTRATOR],
      ['an unban', KICKED, LEFT],
      ['a prolonged ban', KICKED, KICKED],
      [
        'a restriction',
        MEMBER,
        { status: 'restricted', is_member: true, until_date: 0, can_send_messages: false },
      ],
    ])('%s is ignored', (_name, from, to) => {
      expect(normalize(chatMember(from, to, { by: admin }))).toEqual({
        kind: 'ignored',
        reason: expect.any(String),
      });
    });

    it('a restricted user whose is_member is false is not in the chat: joining from it is a join', () => {
      expect(
        eventOf(chatMember({ status: 'restricted', is_member: false, until_date: 0 }, MEMBER)),
      ).toMatchObject({
        type: 'MemberJoined',
      });
    });

    it('every event it produces passes the contracts schema', () => {
      for (const raw of [
        joinRequest({ link: personalLink(true) }),
        chatMember(LEFT, MEMBER),
        chatMember(MEMBER, LEFT),
        chatMember(MEMBER, KICKED, { by: admin }),
        myChatMember(channel, LEFT, ADMINISTRATOR),
      ]) {
        const event = eventOf(raw);
        expect(parseDomainEvent(JSON.parse(JSON.stringify(event)))).toEqual(event);
      }
    });
  });

  describe('my_chat_member (chat discovery)', () => {
    it('bot made administrator → BotAddedToChat admin true, keyed by the chat', () => {
      expect(eventOf(myChatMember(channel, LEFT, ADMINISTRATOR))).toEqual({
        id: `${CTX.bot}:103`,
        version: EVENT_VERSION,
        key: String(channel.id),
        account: CTX.account,
        bot: CTX.bot,
        updateId: 103,
        time: DATE + 180,
        type: 'BotAddedToChat',
        data: {
          chat: { id: channel.id, title: 'Deals Channel', type: 'channel', username: 'deals' },
          admin: true,
        },
      });
    });

    it('bot added as a plain member → BotAddedToChat admin false (chat without username: "")', () => {
      expect(eventOf(myChatMember(group, LEFT, MEMBER))).toMatchObject({
        type: 'BotAddedToChat',
        data: { chat: { id: group.id, title: 'Deals Chat', type: 'supergroup', username: '' }, admin: false },
      });
    });

    it('bot demoted from administrator to member → admin false', () => {
      expect(eventOf(myChatMember(group, ADMINISTRATOR, MEMBER))).toMatchObject({
        type: 'BotAddedToChat',
        data: { admin: false },
      });
    });

    it.each([
      ['left', LEFT],
      ['kicked', KICKED],
    ])('bot %s → BotRemovedFromChat', (_name, status) => {
      expect(eventOf(myChatMember(channel, ADMINISTRATOR, status))).toMatchObject({
        type: 'BotRemovedFromChat',
        key: String(channel.id),
        data: { chat: { id: channel.id, title: 'Deals Channel', type: 'channel', username: 'deals' } },
      });
    });

    it('a user blocking the bot in a private chat is ignored', () => {
      expect(normalize(myChatMember(privateChatOf(alice), MEMBER, KICKED))).toMatchObject({
        kind: 'ignored',
      });
    });
  });

  describe('untracked updates', () => {
    it.each([
      [
        'edited_message',
        { edited_message: { message_id: 1, chat: privateChatOf(alice), date: DATE, text: '/start X' } },
      ],
      ['channel_post', { channel_post: { message_id: 1, chat: channel, date: DATE, text: 'news' } }],
      ['callback_query', { callback_query: { id: '1', from: alice, chat_instance: '1', data: 'x' } }],
      ['nothing but the id', {}],
    ])('%s is ignored', (_name, body) => {
      expect(normalize(update(200, body))).toEqual({ kind: 'ignored', reason: expect.any(String) });
    });
  });

  describe('determinism (redelivery and replay)', () => {
    it('the same update gives the same event, whatever the clock says', () => {
      const raw = chatMember(LEFT, MEMBER);
      const first = eventOf(raw);
      jest.useFakeTimers({ now: new Date('2031-01-01T00:00:00Z') });
      try {
        expect(eventOf(JSON.parse(JSON.stringify(raw)))).toEqual(first);
      } finally {
        jest.useRealTimers();
      }
    });

    it('the event id is bot id + update id: different bots or updates give different ids', () => {
      const raw = chatMember(LEFT, MEMBER, { updateId: 555 });
      expect(eventOf(raw).id).toBe(`${CTX.bot}:555`);
      expect(normalizeUpdate(raw, { account: CTX.account, bot: 42 })).toMatchObject({
        kind: 'event',
        event: { id: '42:555', bot: 42 },
      });
      expect(eventOf(chatMember(LEFT, MEMBER, { updateId: 556 })).id).not.toBe(eventOf(raw).id);
    });
  });

  describe('malformed updates throw MalformedUpdateError naming the field', () => {
    it.each([
      ['a non-object', 'hello', 'update must be an object'],
      ['null', null, 'update must be an object'],
      ['an array', [1, 2], 'update must be an object'],
      ['a missing update_id', { message: message('/start')['message'] }, 'update.update_id'],
      ['a string update_id', { ...message('/start'), update_id: '100' }, 'update.update_id'],
      ['a fractional update_id', { ...message('/start'), update_id: 1.5 }, 'update.update_id'],
    ])('%s', (_name, raw, field) => {
      expectMalformed(raw, field);
    });

    it('a chat_member without new_chat_member', () => {
      expectMalformed(
        without(chatMember(LEFT, MEMBER), 'chat_member', 'new_chat_member'),
        'chat_member.new_chat_member',
      );
    });

    it('a chat_member without old_chat_member', () => {
      expectMalformed(
        without(chatMember(LEFT, MEMBER), 'chat_member', 'old_chat_member'),
        'chat_member.old_chat_member',
      );
    });

    it('a chat_member whose new_chat_member has no status', () => {
      expectMalformed(chatMember(LEFT, { status: 7 }), 'chat_member.new_chat_member.status');
    });

    it('a chat_member with a string chat id', () => {
      expectMalformed(
        chatMember(LEFT, MEMBER, { chat: { ...channel, id: String(channel.id) } }),
        'chat_member.chat.id',
      );
    });

    it('a chat_member with a string user id', () => {
      expectMalformed(
        chatMember(LEFT, MEMBER, { by: admin, user: { ...alice, id: String(alice.id) } }),
        'chat_member.new_chat_member.user.id',
      );
    });

    it('a chat_member without a date', () => {
      expectMalformed(without(chatMember(LEFT, MEMBER), 'chat_member', 'date'), 'chat_member.date');
    });

    it('a chat_join_request with a string chat id', () => {
      const raw = joinRequest();
      expectMalformed(
        {
          ...raw,
          chat_join_request: {
            ...(raw['chat_join_request'] as Update),
            chat: { ...channel, id: '-1001234567890' },
          },
        },
        'chat_join_request.chat.id',
      );
    });

    it('a chat_join_request without from', () => {
      expectMalformed(without(joinRequest(), 'chat_join_request', 'from'), 'chat_join_request.from');
    });

    it('a /start message without from', () => {
      expectMalformed(without(message('/start X'), 'message', 'from'), 'message.from');
    });

    it('a /start message with a string user id', () => {
      expectMalformed(
        message('/start X', { from: { ...alice, id: 'x' }, chat: privateChatOf(alice) }),
        'message.from.id',
      );
    });

    it('a message without chat', () => {
      expectMalformed(without(message('/start X'), 'message', 'chat'), 'message.chat');
    });

    it('a my_chat_member with a string chat id', () => {
      expectMalformed(myChatMember({ ...channel, id: 'c' }, LEFT, ADMINISTRATOR), 'my_chat_member.chat.id');
    });
  });
});
