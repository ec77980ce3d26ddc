import { badRequest, forbidden } from './errors';
import type { Memberships } from './membership';
import type { Polling } from './polling';
import type { BotRecord, ChatRecord } from './records';
import type { Scenario } from './scenario';
import type { Webhooks } from './webhook';
import type { World } from './world';
import type { Params } from './params';
import type { BotUser, Chat, InlineKeyboardMarkup, Message, User, WebhookInfo } from './types';

/** A method's result plus the optional `description` Telegram adds to some successes. */
export class ApiAnswer {
  constructor(
    readonly result: unknown,
    readonly description?: string,
  ) {}
}

/** The parts of the fake the handlers work on. */
export interface BotApiParts {
  world: World;
  members: Memberships;
  webhooks: Webhooks;
  polling: Polling;
  scenario: Scenario;
}

type Handler = (fake: BotApiParts, bot: BotRecord, p: Params, ctx: { signal?: AbortSignal }) => unknown;

const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;
const MAX_TEXT = 4096;
const PARSE_MODES = new Set(['html', 'markdown', 'markdownv2']);

function userParam(fake: BotApiParts, p: Params, missing = 'user not found'): User {
  const id = p.int('user_id');
  const user = fake.world.lookupUser(id);
  if (!user) throw badRequest(missing);
  return user;
}

function requireRight(
  fake: BotApiParts,
  bot: BotRecord,
  chat: ChatRecord,
  right: 'can_invite_users' | 'can_restrict_members',
  message: string,
): void {
  if (!fake.world.botRights(chat, bot)?.[right]) throw badRequest(message);
}

function allowedUpdatesParam(p: Params): string[] | undefined {
  const value = p.optJson('allowed_updates');
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw badRequest('allowed_updates must be an array of strings');
  }
  return value as string[];
}

function replyMarkupParam(p: Params): Record<string, unknown> | undefined {
  const markup = p.optJson('reply_markup');
  if (markup === undefined) return undefined;
  if (!markup || typeof markup !== 'object' || Array.isArray(markup)) {
    throw badRequest("can't parse reply keyboard markup JSON object");
  }
  const inline = (markup as Partial<InlineKeyboardMarkup>).inline_keyboard;
  if (inline !== undefined) {
    if (!Array.isArray(inline) || inline.some((row) => !Array.isArray(row))) {
      throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
    }
    for (const row of inline) {
      for (const button of row) {
        if (!button || typeof button.text !== 'string' || button.text === '')
          throw badRequest('text buttons are unallowed in the inline keyboard');
        if (button.url !== undefined) {
          let ok = false;
          try {
            ok = ['http:', 'https:', 'tg:'].includes(new URL(String(button.url)).protocol);
          } catch {
            ok = false;
          }
          if (!ok) throw badRequest('BUTTON_URL_INVALID');
        }
      }
    }
  }
  return markup as Record<string, unknown>;
}

/** Telegram strips the markup of HTML-formatted text; the fake keeps it simple and only drops tags. */
function visibleText(text: string, parseMode: string | undefined): string {
  if (parseMode?.toLowerCase() !== 'html') return text;
  return text
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

function fullChat(chat: Chat): Record<string, unknown> {
  return { ...chat, accent_color_id: 0, max_reaction_count: 11 };
}

const handlers: Record<string, Handler> = {
  getMe: (_fake, bot): BotUser => ({
    ...bot.user,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  }),
  logOut: () => true,
  close: () => true,

  setWebhook: (fake, bot, p) => {
    const url = p.optStr('url') ?? '';
    const allowedUpdates = allowedUpdatesParam(p);
    const dropPending = p.bool('drop_pending_updates');
    if (url === '') {
      const had = bot.webhook !== null;
      fake.webhooks.configure(bot, null, { allowedUpdates, dropPending });
      return new ApiAnswer(true, had ? 'Webhook was deleted' : 'Webhook is already deleted');
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw badRequest('bad webhook: Failed to resolve host: Name or service not known');
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
    }
    const secretToken = p.optStr('secret_token');
    if (secretToken !== undefined && !SECRET_TOKEN.test(secretToken)) {
      throw badRequest('secret token contains unallowed characters');
    }
    const maxConnections = p.optInt('max_connections') ?? 40;
    if (maxConnections < 1 || maxConnections > 100) throw badRequest('invalid max_connections specified');
    const same = bot.webhook?.url === url && bot.webhook.secretToken === secretToken;
    const webhook: NonNullable<BotRecord['webhook']> = { url, maxConnections };
    if (secretToken !== undefined) webhook.secretToken = secretToken;
    fake.webhooks.configure(bot, webhook, { allowedUpdates, dropPending });
    return new ApiAnswer(true, same ? 'Webhook is already set' : 'Webhook was set');
  },

  deleteWebhook: (fake, bot, p) => {
    const had = bot.webhook !== null;
    fake.webhooks.configure(bot, null, { dropPending: p.bool('drop_pending_updates') });
    return new ApiAnswer(true, had ? 'Webhook was deleted' : 'Webhook is already deleted');
  },

  getWebhookInfo: (_fake, bot): WebhookInfo => {
    const info: WebhookInfo = {
      url: bot.webhook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: bot.queue.length,
    };
    if (bot.webhook) {
      info.max_connections = bot.webhook.maxConnections;
      info.ip_address = '127.0.0.1';
      if (bot.allowedUpdates && bot.allowedUpdates.length > 0) info.allowed_updates = [...bot.allowedUpdates];
      if (bot.lastError) {
        info.last_error_date = bot.lastError.date;
        info.last_error_message = bot.lastError.message;
      }
    }
    return info;
  },

  getUpdates: (fake, bot, p, ctx) => {
    const limit = Math.min(100, Math.max(1, p.optInt('limit') ?? 100));
    const timeout = Math.max(0, p.optInt('timeout') ?? 0);
    const allowedUpdates = allowedUpdatesParam(p);
    const offset = p.optInt('offset');
    return fake.polling.poll(bot, { offset, limit, timeout, allowedUpdates }, ctx.signal);
  },

  sendMessage: (fake, bot, p): Message => {
    const chatId = p.chatId();
    const text = p.optStr('text') ?? '';
    if (text.trim() === '') throw badRequest('message text is empty');
    if (text.length > MAX_TEXT) throw badRequest('message is too long');
    const parseMode = p.optStr('parse_mode');
    if (parseMode !== undefined && !PARSE_MODES.has(parseMode.toLowerCase())) {
      throw badRequest(`unsupported parse_mode "${parseMode}"`);
    }
    const markup = replyMarkupParam(p);
    let chat: Chat;
    if (typeof chatId === 'number' && chatId > 0) {
      const user = fake.world.lookupUser(chatId);
      if (!user) throw badRequest('chat not found');
      if (user.is_bot) throw forbidden("bot can't send messages to bots");
      const access = fake.world.canMessageUser(bot, chatId);
      if (access === 'blocked') throw forbidden('bot was blocked by the user');
      if (access === 'not-started') throw forbidden("bot can't initiate conversation with a user");
      chat = fake.world.privateChat(user);
    } else {
      const record = fake.world.findChat(chatId);
      if (!record) throw badRequest('chat not found');
      const status = fake.world.member(record, bot.user.id).status;
      if (status === 'left' || status === 'kicked') {
        throw forbidden(`bot is not a member of the ${record.chat.type} chat`);
      }
      if (record.chat.type === 'channel' && !fake.world.botRights(record, bot)?.can_post_messages) {
        throw badRequest('need administrator rights in the channel chat');
      }
      chat = { ...record.chat };
    }
    const fields: Pick<Message, 'text' | 'reply_markup'> = { text: visibleText(text, parseMode) };
    if (markup && 'inline_keyboard' in markup)
      fields.reply_markup = markup as unknown as InlineKeyboardMarkup;
    return fake.world.recordSentMessage(bot, chat, fields);
  },

  sendChatAction: () => true,
  deleteMessage: () => true,
  answerCallbackQuery: () => true,
  setMyCommands: () => true,
  deleteMyCommands: () => true,
  getMyCommands: () => [],

  createChatInviteLink: (fake, bot, p) => {
    const chat = fake.world.chatForBot(bot, p.chatId());
    requireRight(fake, bot, chat, 'can_invite_users', 'not enough rights to manage chat invite links');
    const link = fake.world.newLink(chat, bot.user.id, {
      name: p.optStr('name'),
      expire_date: p.optInt('expire_date'),
      member_limit: p.optInt('member_limit'),
      creates_join_request: p.bool('creates_join_request'),
    });
    return fake.world.renderLink(link, bot.user.id);
  },

  editChatInviteLink: (fake, bot, p) => {
    const chat = fake.world.chatForBot(bot, p.chatId());
    requireRight(fake, bot, chat, 'can_invite_users', 'not enough rights to manage chat invite links');
    const link = chat.links.get(p.str('invite_link'));
    if (!link) throw badRequest('INVITE_HASH_INVALID');
    if (link.creatorId !== bot.user.id) throw badRequest('CHAT_ADMIN_REQUIRED');
    const createsJoinRequest = p.has('creates_join_request')
      ? p.bool('creates_join_request')
      : link.createsJoinRequest;
    const memberLimit = p.optInt('member_limit') ?? link.memberLimit;
    if (createsJoinRequest && memberLimit !== undefined && memberLimit !== 0) {
      throw badRequest("Member limit can't be specified for links requiring administrator approval");
    }
    link.createsJoinRequest = createsJoinRequest;
    if (memberLimit) link.memberLimit = memberLimit;
    else delete link.memberLimit;
    const name = p.optStr('name');
    if (name !== undefined) link.name = name;
    const expire = p.optInt('expire_date');
    if (expire !== undefined) link.expireDate = expire;
    return fake.world.renderLink(link, bot.user.id);
  },

  revokeChatInviteLink: (fake, bot, p) => {
    const chat = fake.world.chatForBot(bot, p.chatId());
    requireRight(fake, bot, chat, 'can_invite_users', 'not enough rights to manage chat invite links');
    const link = chat.links.get(p.str('invite_link'));
    if (!link) throw badRequest('INVITE_HASH_INVALID');
    link.isRevoked = true;
    return fake.world.renderLink(link, bot.user.id);
  },

  approveChatJoinRequest: (fake, bot, p) => {
    const chat = fake.world.chatForBot(bot, p.chatId());
    requireRight(fake, bot, chat, 'can_invite_users', 'CHAT_ADMIN_REQUIRED');
    fake.members.approveJoin(chat, userParam(fake, p, 'HIDE_REQUESTER_MISSING').id, bot.user);
    return true;
  },

  declineChatJoinRequest: (fake, bot, p) => {
    const chat = fake.world.chatForBot(bot, p.chatId());
    requireRight(fake, bot, chat, 'can_invite_users', 'CHAT_ADMIN_REQUIRED');
    fake.members.declineJoin(chat, userParam(fake, p, 'HIDE_REQUESTER_MISSING').id);
    return true;
  },

  getChat: (fake, bot, p) => {
    const chatId = p.chatId();
    if (typeof chatId === 'number' && chatId > 0) {
      const user = fake.world.lookupUser(chatId);
      if (!user || (user.id !== bot.user.id && fake.world.canMessageUser(bot, chatId) === 'not-started')) {
        throw badRequest('chat not found');
      }
      return fullChat(fake.world.privateChat(user));
    }
    const chat = fake.world.chatForBot(bot, chatId);
    const info = fullChat(chat.chat);
    if (chat.chat.type === 'supergroup') {
      info.permissions = { can_send_messages: true, can_invite_users: true, can_pin_messages: false };
    }
    return info;
  },

  getChatMember: (fake, bot, p) => {
    const chat = fake.world.chatForBot(bot, p.chatId());
    return fake.world.renderMember(chat, userParam(fake, p).id);
  },

  getChatAdministrators: (fake, bot, p) => {
    const chat = fake.world.chatForBot(bot, p.chatId());
    return [...chat.members]
      .filter(([, m]) => m.status === 'creator' || m.status === 'administrator')
      .map(([id]) => fake.world.renderMember(chat, id));
  },

  getChatMemberCount: (fake, bot, p) => {
    const chat = fake.world.chatForBot(bot, p.chatId());
    return [...chat.members.values()].filter((m) => m.status !== 'left' && m.status !== 'kicked').length;
  },

  banChatMember: (fake, bot, p) => {
    const chat = fake.world.chatForBot(bot, p.chatId());
    requireRight(
      fake,
      bot,
      chat,
      'can_restrict_members',
      'not enough rights to restrict/unrestrict chat member',
    );
    const user = userParam(fake, p, 'PARTICIPANT_ID_INVALID');
    if (user.id === bot.user.id) throw badRequest("can't remove self");
    let until = p.optInt('until_date') ?? 0;
    // Telegram treats bans shorter than 30 s or longer than 366 days as permanent.
    const span = until - fake.world.now();
    if (until !== 0 && (span < 30 || span > 366 * 86400)) until = 0;
    fake.members.ban(chat, user.id, bot.user, until);
    return true;
  },

  unbanChatMember: (fake, bot, p) => {
    const chat = fake.world.chatForBot(bot, p.chatId());
    requireRight(
      fake,
      bot,
      chat,
      'can_restrict_members',
      'not enough rights to restrict/unrestrict chat member',
    );
    const user = userParam(fake, p, 'PARTICIPANT_ID_INVALID');
    fake.members.unban(chat, user.id, bot.user, !p.bool('only_if_banned'));
    return true;
  },

  leaveChat: (fake, bot, p) => {
    const chat = fake.world.findChat(p.chatId());
    const status = chat ? fake.world.member(chat, bot.user.id).status : 'left';
    if (!chat || status === 'left' || status === 'kicked') throw badRequest('chat not found');
    fake.scenario.removeBotFromChat(bot.user.id, chat.chat.id);
    return true;
  },
};
handlers.getChatMembersCount = handlers.getChatMemberCount as Handler;
handlers.kickChatMember = handlers.banChatMember as Handler;

/** Bot API methods by lower-cased name: Telegram method names are case-insensitive. */
export const BOT_API: Record<string, Handler> = Object.fromEntries(
  Object.entries(handlers).map(([name, handler]) => [name.toLowerCase(), handler]),
);
export const BOT_API_METHODS: readonly string[] = Object.keys(handlers);
