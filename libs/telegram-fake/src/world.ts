import type { Clock } from './clock';
import { ScenarioError, badRequest } from './errors';
import { UpdateQueue } from './queue';
import type { Rng } from './random';
import {
  defaultAdminRights,
  idOf,
  isMemberStatus,
  linkOf,
  type BotRecord,
  type ChatRecord,
  type CreatedBot,
  type Dialog,
  type InviteLinkOptions,
  type LinkRecord,
  type LinkRef,
  type MemberRecord,
  type NewChat,
  type NewUser,
  type Ref,
} from './records';
import type {
  AdminRights,
  Chat,
  ChatInviteLink,
  ChatMember,
  ChatMemberRestricted,
  Message,
  SupergroupOrChannel,
  User,
} from './types';

const BOT_ID_BASE = 7_000_000_000;
const USER_ID_BASE = 100_000_000;
const CHAT_ID_BASE = 1_001_000_000_000;
const USERNAME = /^[A-Za-z][A-Za-z0-9_]{3,31}$/;
/** A restricted member as the fake renders one: allowed nothing (no scenario restricts anyone yet). */
const NO_PERMISSIONS: Omit<ChatMemberRestricted, 'status' | 'user' | 'is_member' | 'until_date'> = {
  can_send_messages: false,
  can_send_audios: false,
  can_send_documents: false,
  can_send_photos: false,
  can_send_videos: false,
  can_send_video_notes: false,
  can_send_voice_notes: false,
  can_send_polls: false,
  can_send_other_messages: false,
  can_add_web_page_previews: false,
  can_change_info: false,
  can_invite_users: false,
  can_pin_messages: false,
  can_manage_topics: false,
};

/**
 * Everything the fake knows: users, bots, chats, members, invite links, dialogs and the messages
 * bots sent, with the lookups and Bot API renderings of them. It changes state but emits nothing.
 */
export class World {
  readonly users = new Map<number, User>();
  readonly bots = new Map<number, BotRecord>();
  readonly botsByToken = new Map<string, BotRecord>();
  readonly chats = new Map<number, ChatRecord>();
  readonly linkIndex = new Map<string, LinkRecord>();
  readonly sent: Message[] = [];
  private readonly usernames = new Set<string>();
  private readonly dialogs = new Map<string, Dialog>();
  private nextBot = 1;
  private nextUser = 1;
  private nextChat = 1;

  constructor(
    private readonly clock: Clock,
    private readonly rng: Rng,
    private readonly firstUpdateId: number,
  ) {}

  now(): number {
    return this.clock.now();
  }

  // ---------------------------------------------------------------- entities

  createBot(opts: { username: string; first_name?: string }): CreatedBot {
    this.claimUsername(opts.username);
    const id = BOT_ID_BASE + this.nextBot++;
    const user: BotRecord['user'] = {
      id,
      is_bot: true,
      first_name: opts.first_name ?? opts.username,
      username: opts.username,
    };
    const token = `${id}:AA${this.rng.string(33)}`;
    const record: BotRecord = {
      user,
      token,
      webhook: null,
      allowedUpdates: null,
      queue: new UpdateQueue(),
      nextUpdateId: this.firstUpdateId,
      consumed: false,
      history: [],
      poller: null,
      delivering: false,
      currentDelivery: null,
      lastError: null,
    };
    this.users.set(id, user);
    this.bots.set(id, record);
    this.botsByToken.set(token, record);
    return { id, token, username: opts.username, first_name: user.first_name };
  }

  createUser(opts: NewUser): User {
    if (!opts.first_name) throw new ScenarioError('first_name is required');
    if (opts.username !== undefined) this.claimUsername(opts.username);
    const user: User = { id: USER_ID_BASE + this.nextUser++, is_bot: false, first_name: opts.first_name };
    if (opts.last_name) user.last_name = opts.last_name;
    if (opts.username) user.username = opts.username;
    if (opts.language_code) user.language_code = opts.language_code;
    this.users.set(user.id, user);
    return { ...user };
  }

  createChat(opts: NewChat): Chat {
    if (opts.type !== 'supergroup' && opts.type !== 'channel') {
      throw new ScenarioError(`chat type must be supergroup or channel, not ${String(opts.type)}`);
    }
    if (!opts.title) throw new ScenarioError('title is required');
    if (opts.username !== undefined) this.claimUsername(opts.username);
    const creatorId =
      opts.creator !== undefined
        ? this.user(opts.creator).id
        : this.createUser({ first_name: `${opts.title} owner` }).id;
    const chat: SupergroupOrChannel = {
      id: -(CHAT_ID_BASE + this.nextChat++),
      type: opts.type,
      title: opts.title,
    };
    if (opts.username) chat.username = opts.username;
    this.chats.set(chat.id, {
      chat,
      creatorId,
      members: new Map([[creatorId, { status: 'creator', untilDate: 0 }]]),
      links: new Map(),
      pending: new Map(),
      nextMessageId: 1,
    });
    return { ...chat };
  }

  private claimUsername(username: string): void {
    if (!USERNAME.test(username)) throw new ScenarioError(`invalid username: ${username}`);
    const key = username.toLowerCase();
    if (this.usernames.has(key)) throw new ScenarioError(`username already taken: ${username}`);
    this.usernames.add(key);
  }

  // ---------------------------------------------------------------- lookups for scenarios (ScenarioError)

  user(ref: Ref): User {
    const user = this.users.get(idOf(ref));
    if (!user) throw new ScenarioError(`unknown user ${idOf(ref)}`);
    return user;
  }

  bot(ref: Ref): BotRecord {
    const bot = this.bots.get(idOf(ref));
    if (!bot) throw new ScenarioError(`unknown bot ${idOf(ref)}`);
    return bot;
  }

  chat(ref: Ref): ChatRecord {
    const chat = this.chats.get(idOf(ref));
    if (!chat) throw new ScenarioError(`unknown chat ${idOf(ref)}`);
    return chat;
  }

  dialog(botId: number, userId: number): Dialog {
    const key = `${botId}:${userId}`;
    let dialog = this.dialogs.get(key);
    if (!dialog) {
      dialog = { started: false, blocked: false, nextMessageId: 1 };
      this.dialogs.set(key, dialog);
    }
    return dialog;
  }

  /** The acting admin: `by` (must be the owner or an administrator), else the owner. */
  requireChatAdmin(chat: ChatRecord, by: Ref | undefined): User {
    if (by === undefined) return this.user(chat.creatorId);
    const user = this.user(by);
    const status = this.member(chat, user.id).status;
    if (status !== 'creator' && status !== 'administrator') {
      throw new ScenarioError(`${user.id} is not an administrator of ${chat.chat.id}`);
    }
    return user;
  }

  adminBots(chat: ChatRecord): BotRecord[] {
    const out: BotRecord[] = [];
    for (const [userId, member] of chat.members) {
      if (member.status !== 'administrator') continue;
      const bot = this.bots.get(userId);
      if (bot) out.push(bot);
    }
    return out;
  }

  usableLink(chat: ChatRecord, ref: LinkRef): LinkRecord {
    const url = linkOf(ref);
    const link = this.linkIndex.get(url);
    if (!link || link.chatId !== chat.chat.id)
      throw new ScenarioError(`unknown invite link for this chat: ${url}`);
    if (link.isRevoked) throw new ScenarioError('invite link is revoked');
    if (link.expireDate !== undefined && this.now() >= link.expireDate)
      throw new ScenarioError('invite link has expired');
    if (link.memberLimit !== undefined) {
      let used = 0;
      for (const m of chat.members.values())
        if (m.joinedVia === link.inviteLink && isMemberStatus(m.status)) used++;
      if (used >= link.memberLimit) throw new ScenarioError('invite link member limit reached');
    }
    return link;
  }

  pendingJoinRequests(chat: ChatRecord): { user_id: number; date: number; invite_link?: string }[] {
    return [...chat.pending].map(([userId, p]) => ({
      user_id: userId,
      date: p.date,
      ...(p.link ? { invite_link: p.link } : {}),
    }));
  }

  // ---------------------------------------------------------------- lookups for the Bot API (TelegramApiError)

  findChat(chatId: number | string): ChatRecord | undefined {
    if (typeof chatId === 'number') return this.chats.get(chatId);
    const name = chatId.slice(1).toLowerCase();
    for (const chat of this.chats.values()) if (chat.chat.username?.toLowerCase() === name) return chat;
    return undefined;
  }

  /** A group chat the bot can see: it is in it, or the chat is public. */
  chatForBot(bot: BotRecord, chatId: number | string): ChatRecord {
    const chat = this.findChat(chatId);
    if (!chat) throw badRequest('chat not found');
    const status = this.member(chat, bot.user.id).status;
    if (!isMemberStatus(status) && !chat.chat.username) throw badRequest('chat not found');
    return chat;
  }

  botRights(chat: ChatRecord, bot: BotRecord): AdminRights | undefined {
    const member = this.member(chat, bot.user.id);
    return member.status === 'administrator' ? member.rights : undefined;
  }

  lookupUser(id: number): User | undefined {
    return this.users.get(id);
  }

  member(chat: ChatRecord, userId: number): MemberRecord {
    return chat.members.get(userId) ?? { status: 'left', untilDate: 0 };
  }

  canMessageUser(bot: BotRecord, userId: number): 'ok' | 'not-started' | 'blocked' {
    const dialog = this.dialogs.get(`${bot.user.id}:${userId}`);
    if (dialog?.blocked) return 'blocked';
    if (dialog?.started) return 'ok';
    // A pending join request lets admins of that chat write to the requester.
    for (const chat of this.chats.values()) {
      if (chat.pending.has(userId) && this.botRights(chat, bot)?.can_invite_users) return 'ok';
    }
    return 'not-started';
  }

  recordSentMessage(bot: BotRecord, chat: Chat, fields: Pick<Message, 'text' | 'reply_markup'>): Message {
    let messageId: number;
    if (chat.type === 'private') messageId = this.dialog(bot.user.id, chat.id).nextMessageId++;
    else messageId = (this.chats.get(chat.id) as ChatRecord).nextMessageId++;
    const message: Message = {
      message_id: messageId,
      from: { ...bot.user },
      chat,
      date: this.now(),
      ...fields,
    };
    this.sent.push(message);
    return message;
  }

  /** Validates like createChatInviteLink and stores a new link. */
  newLink(chat: ChatRecord, creatorId: number, opts: InviteLinkOptions): LinkRecord {
    if (opts.name !== undefined && opts.name.length > 32) throw badRequest('invite link name is too long');
    if (opts.member_limit !== undefined && (opts.member_limit < 1 || opts.member_limit > 99999)) {
      throw badRequest('member_limit must be between 1 and 99999');
    }
    if (opts.creates_join_request && opts.member_limit !== undefined) {
      throw badRequest("Member limit can't be specified for links requiring administrator approval");
    }
    if (opts.expire_date !== undefined && opts.expire_date !== 0 && opts.expire_date <= this.now()) {
      throw badRequest('EXPIRE_DATE_INVALID');
    }
    let url: string;
    do url = `https://t.me/+${this.rng.string(16)}`;
    while (this.linkIndex.has(url));
    const link: LinkRecord = {
      inviteLink: url,
      chatId: chat.chat.id,
      creatorId,
      createsJoinRequest: Boolean(opts.creates_join_request),
      isPrimary: false,
      isRevoked: false,
    };
    if (opts.name) link.name = opts.name;
    if (opts.expire_date) link.expireDate = opts.expire_date;
    if (opts.member_limit !== undefined) link.memberLimit = opts.member_limit;
    chat.links.set(url, link);
    this.linkIndex.set(url, link);
    return link;
  }

  // ---------------------------------------------------------------- rendering as the Bot API shows it

  renderMember(chat: ChatRecord, userId: number, record = this.member(chat, userId)): ChatMember {
    const user = this.users.get(userId) ?? { id: userId, is_bot: false, first_name: String(userId) };
    const u = { ...user };
    switch (record.status) {
      case 'creator':
        return { status: 'creator', user: u, is_anonymous: false };
      case 'administrator':
        return {
          status: 'administrator',
          user: u,
          can_be_edited: false,
          is_anonymous: false,
          ...(record.rights ?? defaultAdminRights(chat.chat.type)),
        };
      case 'member':
        return { status: 'member', user: u };
      case 'restricted':
        return {
          status: 'restricted',
          user: u,
          is_member: true,
          ...NO_PERMISSIONS,
          until_date: record.untilDate,
        };
      case 'left':
        return { status: 'left', user: u };
      case 'kicked':
        return { status: 'kicked', user: u, until_date: record.untilDate };
    }
  }

  /** As the viewer bot sees the link: Telegram hides the second half of links somebody else created. */
  renderLink(link: LinkRecord, viewerId?: number): ChatInviteLink {
    const creator = this.users.get(link.creatorId);
    const shown =
      viewerId === undefined || viewerId === link.creatorId
        ? link.inviteLink
        : `${link.inviteLink.slice(0, link.inviteLink.length - 8)}...`;
    const out: ChatInviteLink = {
      invite_link: shown,
      creator: creator
        ? { ...creator }
        : { id: link.creatorId, is_bot: false, first_name: String(link.creatorId) },
      creates_join_request: link.createsJoinRequest,
      is_primary: link.isPrimary,
      is_revoked: link.isRevoked,
    };
    if (link.name !== undefined) out.name = link.name;
    if (link.expireDate !== undefined) out.expire_date = link.expireDate;
    if (link.memberLimit !== undefined) out.member_limit = link.memberLimit;
    return out;
  }

  privateChat(user: User): Chat {
    const chat: Chat = { id: user.id, first_name: user.first_name, type: 'private' };
    if (user.last_name) chat.last_name = user.last_name;
    if (user.username) chat.username = user.username;
    return chat;
  }

  botInfo(bot: BotRecord): CreatedBot {
    return {
      id: bot.user.id,
      token: bot.token,
      username: bot.user.username,
      first_name: bot.user.first_name,
    };
  }
}
