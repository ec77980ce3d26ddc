import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeTelegramClient } from './client';
import { startFakeTelegram, type RunningFakeTelegram } from './server';
import type { Update } from './types';

interface Answer {
  status: number;
  body: { ok: boolean; result?: any; error_code?: number; description?: string; parameters?: unknown };
}

let tg: RunningFakeTelegram;

beforeEach(async () => {
  tg = await startFakeTelegram({ port: 0, seed: 1, webhookRetryMs: 20, webhookMaxRetryMs: 80 });
});
afterEach(async () => {
  await tg.close();
});

async function call(token: string, method: string, params: Record<string, unknown> = {}): Promise<Answer> {
  const res = await fetch(`${tg.url}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

function setup() {
  const fake = tg.fake;
  const bot = fake.createBot({ username: 'subtrack_bot' });
  const owner = fake.createUser({ first_name: 'Owner' });
  const chat = fake.createChat({ title: 'Deals', type: 'supergroup', creator: owner });
  const user = fake.createUser({ first_name: 'Alice', username: 'alice' });
  return { fake, bot, owner, chat, user };
}

/** A local webhook receiver whose answers the test scripts. */
async function receiver(
  answer: (req: IncomingMessage, body: string, n: number) => { status: number; body?: unknown },
) {
  const seen: { headers: IncomingMessage['headers']; body: any }[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      seen.push({ headers: req.headers, body: JSON.parse(raw) });
      const out = answer(req, raw, seen.length);
      res.writeHead(out.status, { 'content-type': 'application/json' });
      res.end(out.body === undefined ? '' : JSON.stringify(out.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/telegram/webhook/1`;
  return { url, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('Bot API over HTTP', () => {
  it('answers getMe with the bot user; 401 for an unknown token; 404 for unknown methods and paths', async () => {
    const { bot } = setup();
    expect(await call(bot.token, 'getMe')).toEqual({
      status: 200,
      body: {
        ok: true,
        result: {
          id: bot.id,
          is_bot: true,
          first_name: 'subtrack_bot',
          username: 'subtrack_bot',
          can_join_groups: true,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
          can_connect_to_business: false,
          has_main_web_app: false,
        },
      },
    });
    expect(await call('123:nope', 'getMe')).toEqual({
      status: 401,
      body: { ok: false, error_code: 401, description: 'Unauthorized' },
    });
    expect(await call(bot.token, 'noSuchMethod')).toEqual({
      status: 404,
      body: { ok: false, error_code: 404, description: 'Not Found' },
    });
    expect((await call(bot.token, 'GETME')).body.ok).toBe(true);
    const res = await fetch(`${tg.url}/something`);
    expect(res.status).toBe(404);
  });

  it('reads parameters from query strings, form bodies and multipart bodies', async () => {
    const { fake, bot, chat, user } = setup();
    fake.addBotToChat(bot, chat, { admin: true });
    const viaGet = await fetch(
      `${tg.url}/bot${bot.token}/getChatMember?chat_id=${chat.id}&user_id=${user.id}`,
    );
    expect(await viaGet.json()).toMatchObject({
      ok: true,
      result: { status: 'left', user: { id: user.id } },
    });
    const viaForm = await fetch(`${tg.url}/bot${bot.token}/createChatInviteLink`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `chat_id=${chat.id}&creates_join_request=true&name=form`,
    });
    expect(await viaForm.json()).toMatchObject({
      ok: true,
      result: { creates_join_request: true, name: 'form' },
    });
    const form = new FormData();
    form.set('chat_id', String(chat.id));
    form.set('user_id', String(fake.createUser({ first_name: 'X' }).id));
    const viaMultipart = await fetch(`${tg.url}/bot${bot.token}/getChatMember`, {
      method: 'POST',
      body: form,
    });
    expect(await viaMultipart.json()).toMatchObject({ ok: true, result: { status: 'left' } });
  });

  it('sendMessage: 403 before /start, a Message with the inline keyboard after, recorded for tests', async () => {
    const { fake, bot, user } = setup();
    const markup = { inline_keyboard: [[{ text: 'Join', url: 'https://t.me/+abcdefgh12345678' }]] };
    expect(await call(bot.token, 'sendMessage', { chat_id: user.id, text: 'hi' })).toEqual({
      status: 403,
      body: {
        ok: false,
        error_code: 403,
        description: "Forbidden: bot can't initiate conversation with a user",
      },
    });
    fake.userStartsBot(user, bot, 'C1-x');
    const sent = await call(bot.token, 'sendMessage', {
      chat_id: user.id,
      text: '<b>Welcome</b>',
      parse_mode: 'HTML',
      reply_markup: markup,
    });
    expect(sent.body).toMatchObject({
      ok: true,
      result: {
        message_id: 2,
        from: { id: bot.id, is_bot: true },
        chat: { id: user.id, type: 'private', first_name: 'Alice', username: 'alice' },
        text: 'Welcome',
        reply_markup: markup,
      },
    });
    expect(fake.messagesSentTo(user)).toEqual([sent.body.result]);
    expect(
      (await call(bot.token, 'sendMessage', { chat_id: -1009999999999, text: 'x' })).body.description,
    ).toBe('Bad Request: chat not found');
    expect((await call(bot.token, 'sendMessage', { chat_id: user.id })).body.description).toBe(
      'Bad Request: message text is empty',
    );
    fake.userBlocksBot(user, bot);
    expect((await call(bot.token, 'sendMessage', { chat_id: user.id, text: 'x' })).body.description).toBe(
      'Forbidden: bot was blocked by the user',
    );
  });

  it('createChatInviteLink needs admin rights; member_limit cannot go with creates_join_request', async () => {
    const { fake, bot, chat } = setup();
    expect((await call(bot.token, 'createChatInviteLink', { chat_id: chat.id })).body).toEqual({
      ok: false,
      error_code: 400,
      description: 'Bad Request: chat not found',
    });
    fake.addBotToChat(bot, chat, { admin: false });
    expect((await call(bot.token, 'createChatInviteLink', { chat_id: chat.id })).body.description).toBe(
      'Bad Request: not enough rights to manage chat invite links',
    );
    fake.addBotToChat(bot, chat, { admin: true, rights: { can_invite_users: false } });
    expect((await call(bot.token, 'createChatInviteLink', { chat_id: chat.id })).status).toBe(400);
    fake.addBotToChat(bot, chat, { admin: true });
    const both = await call(bot.token, 'createChatInviteLink', {
      chat_id: chat.id,
      creates_join_request: true,
      member_limit: 1,
    });
    expect(both.status).toBe(400);
    expect(both.body.description).toMatch(/^Bad Request: Member limit can't be specified/);
    const created = await call(bot.token, 'createChatInviteLink', {
      chat_id: chat.id,
      name: 'lead 7',
      member_limit: 1,
      expire_date: fake.now() + 3600,
    });
    expect(created.body.result).toEqual({
      invite_link: expect.stringMatching(/^https:\/\/t\.me\/\+[A-Za-z0-9_-]{16}$/),
      creator: { id: bot.id, is_bot: true, first_name: 'subtrack_bot', username: 'subtrack_bot' },
      creates_join_request: false,
      is_primary: false,
      is_revoked: false,
      name: 'lead 7',
      expire_date: fake.now() + 3600,
      member_limit: 1,
    });
    const revoked = await call(bot.token, 'revokeChatInviteLink', {
      chat_id: chat.id,
      invite_link: created.body.result.invite_link,
    });
    expect(revoked.body.result).toMatchObject({ is_revoked: true });
    expect(() =>
      fake.userJoins(fake.createUser({ first_name: 'Z' }), chat, created.body.result.invite_link),
    ).toThrow('revoked');
  });

  it('approveChatJoinRequest: HIDE_REQUESTER_MISSING without a request; approving emits chat_member from the bot', async () => {
    const { fake, bot, chat, user } = setup();
    fake.addBotToChat(bot, chat, { admin: true });
    await call(bot.token, 'setWebhook', { url: '', allowed_updates: ['chat_member', 'chat_join_request'] });
    expect(
      (await call(bot.token, 'approveChatJoinRequest', { chat_id: chat.id, user_id: user.id })).body,
    ).toEqual({
      ok: false,
      error_code: 400,
      description: 'Bad Request: HIDE_REQUESTER_MISSING',
    });
    const link = (
      await call(bot.token, 'createChatInviteLink', { chat_id: chat.id, creates_join_request: true })
    ).body.result;
    fake.userRequestsJoin(user, chat, link.invite_link);
    // While the request is pending the bot may write to the requester.
    expect(
      (await call(bot.token, 'sendMessage', { chat_id: user.id, text: 'we saw your request' })).body.ok,
    ).toBe(true);
    expect(await call(bot.token, 'approveChatJoinRequest', { chat_id: chat.id, user_id: user.id })).toEqual({
      status: 200,
      body: { ok: true, result: true },
    });
    const last = fake.updatesFor(bot).at(-1) as Update;
    expect(last.chat_member).toMatchObject({
      from: { id: bot.id, is_bot: true },
      old_chat_member: { status: 'left' },
      new_chat_member: { status: 'member' },
      via_join_request: true,
      invite_link: { invite_link: link.invite_link },
    });
    expect(
      (await call(bot.token, 'getChatMember', { chat_id: chat.id, user_id: user.id })).body.result.status,
    ).toBe('member');
  });

  it('getChat, getChatAdministrators, banChatMember and unbanChatMember', async () => {
    const { fake, bot, owner, chat, user } = setup();
    expect((await call(bot.token, 'getChat', { chat_id: chat.id })).body.description).toBe(
      'Bad Request: chat not found',
    );
    fake.addBotToChat(bot, chat, { admin: true });
    expect((await call(bot.token, 'getChat', { chat_id: chat.id })).body.result).toMatchObject({
      id: chat.id,
      type: 'supergroup',
      title: 'Deals',
    });
    const admins = (await call(bot.token, 'getChatAdministrators', { chat_id: chat.id })).body.result as {
      status: string;
      user: { id: number };
    }[];
    expect(admins.map((a) => [a.status, a.user.id])).toEqual([
      ['creator', owner.id],
      ['administrator', bot.id],
    ]);
    fake.userJoins(user, chat);
    expect(
      (await call(bot.token, 'banChatMember', { chat_id: chat.id, user_id: owner.id })).body.description,
    ).toBe("Bad Request: can't remove chat owner");
    expect((await call(bot.token, 'banChatMember', { chat_id: chat.id, user_id: user.id })).body.result).toBe(
      true,
    );
    expect(
      (await call(bot.token, 'getChatMember', { chat_id: chat.id, user_id: user.id })).body.result,
    ).toMatchObject({ status: 'kicked', until_date: 0 });
    expect(
      (await call(bot.token, 'unbanChatMember', { chat_id: chat.id, user_id: user.id, only_if_banned: true }))
        .body.result,
    ).toBe(true);
    expect(fake.chatMember(chat, user).status).toBe('left');
    expect((await call(bot.token, 'answerCallbackQuery', { callback_query_id: '1' })).body).toEqual({
      ok: true,
      result: true,
    });
    expect(
      (await call(bot.token, 'getChatMember', { chat_id: chat.id, user_id: 999 })).body.description,
    ).toBe('Bad Request: user not found');
  });

  it('injected faults answer like Telegram, including retry_after', async () => {
    const { fake, bot } = setup();
    fake.failNext({
      method: 'getMe',
      error_code: 429,
      description: 'Too Many Requests: retry after 3',
      retry_after: 3,
    });
    expect(await call(bot.token, 'getMe')).toEqual({
      status: 429,
      body: {
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 3',
        parameters: { retry_after: 3 },
      },
    });
    expect((await call(bot.token, 'getMe')).body.ok).toBe(true);
  });
});

describe('getUpdates', () => {
  it('long-polls until an update arrives, then confirms by offset', async () => {
    const { fake, bot, user } = setup();
    const started = Date.now();
    const pending = call(bot.token, 'getUpdates', { timeout: 5 });
    await new Promise((r) => setTimeout(r, 150));
    fake.userStartsBot(user, bot, 'A-1');
    const first = await pending;
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(first.body.result).toHaveLength(1);
    const id = (first.body.result as Update[])[0]?.update_id as number;
    // Not confirmed yet: the same update comes again.
    expect(
      ((await call(bot.token, 'getUpdates', {})).body.result as Update[]).map((u) => u.update_id),
    ).toEqual([id]);
    fake.userStartsBot(user, bot, 'A-2');
    const next = (await call(bot.token, 'getUpdates', { offset: id + 1 })).body.result as Update[];
    expect(next.map((u) => u.message?.text)).toEqual(['/start A-2']);
    await call(bot.token, 'getUpdates', { offset: (next[0]?.update_id as number) + 1, timeout: 0 });
    await expect(fake.idle({ timeoutMs: 100 })).resolves.toBeUndefined();
  });

  it('returns an empty list after the timeout, honours limit and allowed_updates', async () => {
    const { fake, bot, chat, user } = setup();
    const started = Date.now();
    expect((await call(bot.token, 'getUpdates', { timeout: 1 })).body.result).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    await call(bot.token, 'getUpdates', { allowed_updates: ['chat_member'] });
    fake.addBotToChat(bot, chat, { admin: true });
    fake.userStartsBot(user, bot);
    for (let i = 0; i < 3; i++) {
      const u = fake.createUser({ first_name: `U${i}` });
      fake.userJoins(u, chat);
    }
    const got = (await call(bot.token, 'getUpdates', { limit: 2 })).body.result as Update[];
    expect(got).toHaveLength(2);
    expect(got.every((u) => u.chat_member !== undefined)).toBe(true);
  });

  it('a second poller terminates the first with 409; polling is refused while a webhook is set', async () => {
    const { bot } = setup();
    const first = call(bot.token, 'getUpdates', { timeout: 5 });
    await new Promise((r) => setTimeout(r, 50));
    const second = call(bot.token, 'getUpdates', { timeout: 0 });
    expect((await first).body).toMatchObject({
      ok: false,
      error_code: 409,
      description: expect.stringMatching(/terminated by other getUpdates/),
    });
    expect((await second).body.ok).toBe(true);
    await call(bot.token, 'setWebhook', { url: 'http://127.0.0.1:9/hook' });
    expect((await call(bot.token, 'getUpdates', {})).body).toMatchObject({ ok: false, error_code: 409 });
  });

  it('works with form-encoded long polling parameters (strings)', async () => {
    const { fake, bot, user } = setup();
    const res = fetch(
      `${tg.url}/bot${bot.token}/getUpdates?timeout=3&offset=0&allowed_updates=${encodeURIComponent('["message"]')}`,
    );
    await new Promise((r) => setTimeout(r, 50));
    fake.userStartsBot(user, bot);
    const body = (await (await res).json()) as Answer['body'];
    expect(body.result).toHaveLength(1);
  });
});

describe('webhooks', () => {
  it('delivers with the secret header, retries 500s until success, logs deliveries and becomes idle', async () => {
    const { fake, bot, chat, user } = setup();
    const hook = await receiver((_req, _raw, n) => ({ status: n <= 2 ? 500 : 200 }));
    try {
      const set = await call(bot.token, 'setWebhook', {
        url: hook.url,
        secret_token: 'S3cret_token-1',
        allowed_updates: ['message', 'chat_member', 'chat_join_request', 'my_chat_member'],
      });
      expect(set.body).toEqual({ ok: true, result: true, description: 'Webhook was set' });
      fake.addBotToChat(bot, chat, { admin: true });
      fake.userStartsBot(user, bot, 'X-1');
      await fake.idle({ timeoutMs: 5000 });
      expect(hook.seen.map((s) => s.body.update_id)).toEqual([1, 1, 1, 2]);
      expect(hook.seen.every((s) => s.headers['x-telegram-bot-api-secret-token'] === 'S3cret_token-1')).toBe(
        true,
      );
      expect(hook.seen.every((s) => s.headers['content-type'] === 'application/json')).toBe(true);
      expect(hook.seen[3]?.body.message.text).toBe('/start X-1');
      expect(fake.deliveries(bot)).toEqual([
        {
          bot_id: bot.id,
          update_id: 1,
          url: hook.url,
          attempts: 3,
          status: 200,
          statuses: [500, 500, 200],
          delivered: true,
        },
        {
          bot_id: bot.id,
          update_id: 2,
          url: hook.url,
          attempts: 1,
          status: 200,
          statuses: [200],
          delivered: true,
        },
      ]);
      const info = (await call(bot.token, 'getWebhookInfo')).body.result;
      expect(info).toMatchObject({
        url: hook.url,
        pending_update_count: 0,
        allowed_updates: ['message', 'chat_member', 'chat_join_request', 'my_chat_member'],
        last_error_message: 'Wrong response from the webhook: 500 Internal Server Error',
      });
    } finally {
      await hook.close();
    }
  });

  it('never drops updates when the receiver is down, and keeps order', async () => {
    const { fake, bot, user } = setup();
    await call(bot.token, 'setWebhook', { url: 'http://127.0.0.1:9/down' });
    fake.userStartsBot(user, bot, 'A');
    fake.userStartsBot(user, bot, 'B');
    await new Promise((r) => setTimeout(r, 150));
    const [first] = fake.deliveries(bot);
    expect(first).toMatchObject({ update_id: 1, delivered: false, status: 0 });
    expect(first?.attempts).toBeGreaterThanOrEqual(2);
    expect((await call(bot.token, 'getWebhookInfo')).body.result.pending_update_count).toBe(2);
    const hook = await receiver(() => ({ status: 200 }));
    try {
      await call(bot.token, 'setWebhook', { url: hook.url });
      await fake.idle({ timeoutMs: 3000 });
      expect(hook.seen.map((s) => s.body.message.text)).toEqual(['/start A', '/start B']);
      expect(hook.seen[0]?.headers['x-telegram-bot-api-secret-token']).toBeUndefined();
    } finally {
      await hook.close();
    }
  });

  it('executes a Bot API call returned in the webhook response (webhookReply)', async () => {
    const { fake, bot, user } = setup();
    const hook = await receiver((_req, raw) => {
      const update = JSON.parse(raw) as Update;
      return {
        status: 200,
        body: { method: 'sendMessage', chat_id: update.message?.chat.id, text: 'hello from reply' },
      };
    });
    try {
      await call(bot.token, 'setWebhook', { url: hook.url });
      fake.userStartsBot(user, bot);
      await fake.idle({ timeoutMs: 3000 });
      expect(fake.messagesSentTo(user).map((m) => m.text)).toEqual(['hello from reply']);
    } finally {
      await hook.close();
    }
  });

  it('deleteWebhook with drop_pending_updates forgets the queue', async () => {
    const { fake, bot, user } = setup();
    await call(bot.token, 'setWebhook', { url: 'http://127.0.0.1:9/down' });
    fake.userStartsBot(user, bot);
    expect((await call(bot.token, 'deleteWebhook', { drop_pending_updates: true })).body).toEqual({
      ok: true,
      result: true,
      description: 'Webhook was deleted',
    });
    expect((await call(bot.token, 'getUpdates', {})).body.result).toEqual([]);
    expect((await call(bot.token, 'getWebhookInfo')).body.result).toEqual({
      url: '',
      has_custom_certificate: false,
      pending_update_count: 0,
    });
  });
});

describe('control endpoints', () => {
  it('drive a whole flow through FakeTelegramClient', async () => {
    const client = new FakeTelegramClient(tg.url);
    await client.setTime(1_767_225_600);
    expect(await client.now()).toBe(1_767_225_600);
    await client.advanceTime(86_400);
    const bot = await client.createBot({ username: 'ctl_bot' });
    const owner = await client.createUser({ first_name: 'Owner' });
    const chat = await client.createChat({ title: 'Ctl', type: 'channel', creator: owner });
    const user = await client.createUser({ first_name: 'U', username: 'u_ctl' });
    await call(bot.token, 'getUpdates', {
      allowed_updates: ['message', 'chat_member', 'chat_join_request', 'my_chat_member'],
    });
    const added = await client.addBotToChat(bot, chat, { admin: true, by: owner });
    expect(added[0]?.update.my_chat_member?.date).toBe(1_767_312_000);
    await client.userStartsBot(user, bot, 'CODE-click1');
    const link = (
      await call(bot.token, 'createChatInviteLink', { chat_id: chat.id, creates_join_request: true })
    ).body.result;
    await call(bot.token, 'sendMessage', {
      chat_id: user.id,
      text: 'welcome',
      reply_markup: { inline_keyboard: [[{ text: 'Join', url: link.invite_link }]] },
    });
    const [reply] = await client.messagesSentTo(user);
    expect(reply?.reply_markup?.inline_keyboard[0]?.[0]?.url).toBe(link.invite_link);
    await client.userRequestsJoin(user, chat, link.invite_link);
    const approved = await client.adminApprovesJoin(chat, user);
    expect(approved[0]?.update.chat_member?.via_join_request).toBe(true);
    await client.userLeaves(user, chat);
    const updates = await client.updatesFor(bot);
    expect(updates.map((u) => Object.keys(u)[1])).toEqual([
      'my_chat_member',
      'message',
      'chat_join_request',
      'chat_member',
      'chat_member',
    ]);
    await expect(client.userLeaves(user, chat)).rejects.toThrow(/not a member/);
    await expect(client.idle({ timeoutMs: 50 })).rejects.toThrow();
    await call(bot.token, 'getUpdates', { offset: (updates.at(-1)?.update_id as number) + 1 });
    await expect(client.idle({ timeoutMs: 1000 })).resolves.toBeUndefined();
    const pushed = await client.pushUpdate(bot, { chat_member: 'garbage' });
    expect(pushed).toEqual({ update_id: 6, chat_member: 'garbage' });
    const state = await client.state();
    expect(state).toHaveProperty('chats');
    const res = await fetch(`${tg.url}/_fake/nothing`, { method: 'POST' });
    expect(res.status).toBe(404);
  });

  it('throttle a bot over HTTP as Telegram does, configured through the client', async () => {
    const client = new FakeTelegramClient(tg.url);
    expect(await client.configureNetwork({ latencyMs: [0, 5], floodLimitPerSecond: 1 })).toEqual({
      latencyMs: [0, 5],
      floodLimitPerSecond: 1,
      floodAnswers: 0,
    });
    const { bot, user, fake } = setup();
    fake.userStartsBot(user, bot);
    expect((await call(bot.token, 'sendMessage', { chat_id: user.id, text: 'one' })).status).toBe(200);
    const refused = await call(bot.token, 'sendMessage', { chat_id: user.id, text: 'two' });
    expect(refused).toEqual({
      status: 429,
      body: {
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 1',
        parameters: { retry_after: 1 },
      },
    });
    expect((await client.configureNetwork({ floodLimitPerSecond: 0 })).floodAnswers).toBe(1);
  });
});
