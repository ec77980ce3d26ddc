import { ScenarioError, TelegramApiError } from './errors';
import type { Memberships } from './membership';
import {
  defaultAdminRights,
  isMemberStatus,
  type ChatRecord,
  type Emitted,
  type InviteLinkOptions,
  type LinkRecord,
  type LinkRef,
  type MemberRecord,
  type Ref,
} from './records';
import type { AdminRights, ChatInviteLink, Message, User } from './types';
import type { Updates } from './updates';
import type { World } from './world';

const START_PAYLOAD = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * What users and admins do in the Telegram apps, and the updates real Telegram sends for it.
 * Misuse throws ScenarioError: it is a bug in the test, not an answer a bot would get.
 */
export class Scenario {
  constructor(
    private readonly world: World,
    private readonly updates: Updates,
    private readonly members: Memberships,
  ) {}

  // ---------------------------------------------------------------- bots in chats

  addBotToChat(
    bot: Ref,
    chat: Ref,
    opts: { admin?: boolean; by?: Ref; rights?: Partial<AdminRights> } = {},
  ): Emitted[] {
    const botRecord = this.world.bot(bot);
    const chatRecord = this.world.chat(chat);
    const admin = opts.admin ?? true;
    if (chatRecord.chat.type === 'channel' && !admin) {
      throw new ScenarioError('bots can only be added to channels as administrators');
    }
    const by = this.world.requireChatAdmin(chatRecord, opts.by);
    const next: MemberRecord = admin
      ? {
          status: 'administrator',
          untilDate: 0,
          rights: { ...defaultAdminRights(chatRecord.chat.type), ...opts.rights },
        }
      : { status: 'member', untilDate: 0 };
    return this.members.change(chatRecord, botRecord.user.id, next, { from: by });
  }

  removeBotFromChat(bot: Ref, chat: Ref, by?: Ref, opts: { status?: 'left' | 'kicked' } = {}): Emitted[] {
    const botRecord = this.world.bot(bot);
    const chatRecord = this.world.chat(chat);
    if (!isMemberStatus(this.world.member(chatRecord, botRecord.user.id).status)) {
      throw new ScenarioError('the bot is not in this chat');
    }
    if (by === undefined) {
      return this.members.change(
        chatRecord,
        botRecord.user.id,
        { status: 'left', untilDate: 0 },
        { from: botRecord.user },
      );
    }
    const from = this.world.requireChatAdmin(chatRecord, by);
    const status = opts.status ?? 'kicked';
    return this.members.change(chatRecord, botRecord.user.id, { status, untilDate: 0 }, { from });
  }

  createInviteLink(chat: Ref, creator: Ref, opts: InviteLinkOptions = {}): ChatInviteLink {
    const chatRecord = this.world.chat(chat);
    const creatorUser = this.world.requireChatAdmin(chatRecord, creator);
    try {
      return this.world.renderLink(this.world.newLink(chatRecord, creatorUser.id, opts));
    } catch (e) {
      if (e instanceof TelegramApiError) throw new ScenarioError(e.description);
      throw e;
    }
  }

  // ---------------------------------------------------------------- private chats

  userStartsBot(user: Ref, bot: Ref, payload?: string): Message {
    const from = this.world.user(user);
    const botRecord = this.world.bot(bot);
    if (from.is_bot) throw new ScenarioError('bots cannot start bots');
    if (payload !== undefined && !START_PAYLOAD.test(payload)) {
      throw new ScenarioError('start payload must be 1-64 characters of A-Za-z0-9_-');
    }
    const dialog = this.world.dialog(botRecord.user.id, from.id);
    if (dialog.blocked) {
      dialog.blocked = false;
      this.members.privateStatus(botRecord, from, 'kicked', 'member');
    }
    dialog.started = true;
    const text = payload ? `/start ${payload}` : '/start';
    const message: Message = {
      message_id: dialog.nextMessageId++,
      from: { ...from },
      chat: this.world.privateChat(from),
      date: this.world.now(),
      text,
      entities: [{ type: 'bot_command', offset: 0, length: 6 }],
    };
    this.updates.emit([botRecord], 'message', () => message);
    return message;
  }

  userBlocksBot(user: Ref, bot: Ref): Emitted[] {
    const from = this.world.user(user);
    const botRecord = this.world.bot(bot);
    const dialog = this.world.dialog(botRecord.user.id, from.id);
    if (dialog.blocked) throw new ScenarioError('already blocked');
    dialog.blocked = true;
    return this.members.privateStatus(botRecord, from, 'member', 'kicked');
  }

  // ---------------------------------------------------------------- members

  userRequestsJoin(user: Ref, chat: Ref, inviteLink?: LinkRef): Emitted[] {
    const { from, chatRecord, link } = this.joinAttempt(user, chat, inviteLink, true);
    const date = this.world.now();
    chatRecord.pending.set(from.id, link ? { date, link: link.inviteLink } : { date });
    const recipients = this.world
      .adminBots(chatRecord)
      .filter((b) => this.world.botRights(chatRecord, b)?.can_invite_users);
    return this.updates.emit(recipients, 'chat_join_request', (bot) => ({
      chat: { ...chatRecord.chat },
      from: { ...from },
      user_chat_id: from.id,
      date,
      ...(link ? { invite_link: this.world.renderLink(link, bot.user.id) } : {}),
    }));
  }

  adminApprovesJoin(chat: Ref, user: Ref, by?: Ref): Emitted[] {
    const chatRecord = this.world.chat(chat);
    const approver = this.world.requireChatAdmin(chatRecord, by);
    return this.asScenario(() => this.members.approveJoin(chatRecord, this.world.user(user).id, approver));
  }

  adminDeclinesJoin(chat: Ref, user: Ref, by?: Ref): Emitted[] {
    const chatRecord = this.world.chat(chat);
    this.world.requireChatAdmin(chatRecord, by);
    return this.asScenario(() => this.members.declineJoin(chatRecord, this.world.user(user).id));
  }

  userJoins(user: Ref, chat: Ref, inviteLink?: LinkRef): Emitted[] {
    const { from, chatRecord, link } = this.joinAttempt(user, chat, inviteLink, false);
    chatRecord.pending.delete(from.id);
    const next: MemberRecord = { status: 'member', untilDate: 0 };
    if (link) next.joinedVia = link.inviteLink;
    return this.members.change(chatRecord, from.id, next, link ? { from, link } : { from });
  }

  userLeaves(user: Ref, chat: Ref, opts: { unannounced?: boolean } = {}): Emitted[] {
    const from = this.world.user(user);
    const chatRecord = this.world.chat(chat);
    const status = this.world.member(chatRecord, from.id).status;
    if (status === 'creator') throw new ScenarioError('the owner cannot leave in this fake');
    if (!isMemberStatus(status)) throw new ScenarioError(`user is not a member (${status})`);
    if (opts.unannounced) {
      chatRecord.members.set(from.id, { status: 'left', untilDate: 0 });
      return [];
    }
    return this.members.change(chatRecord, from.id, { status: 'left', untilDate: 0 }, { from });
  }

  adminBans(chat: Ref, user: Ref, by?: Ref, opts: { untilDate?: number } = {}): Emitted[] {
    const chatRecord = this.world.chat(chat);
    const admin = this.world.requireChatAdmin(chatRecord, by);
    return this.asScenario(() =>
      this.members.ban(chatRecord, this.world.user(user).id, admin, opts.untilDate ?? 0),
    );
  }

  adminKicks(chat: Ref, user: Ref, by?: Ref): Emitted[] {
    const chatRecord = this.world.chat(chat);
    const admin = this.world.requireChatAdmin(chatRecord, by);
    const userId = this.world.user(user).id;
    if (!isMemberStatus(this.world.member(chatRecord, userId).status)) {
      throw new ScenarioError('user is not a member');
    }
    return this.asScenario(() => [
      ...this.members.ban(chatRecord, userId, admin, 0),
      ...this.members.unban(chatRecord, userId, admin, true),
    ]);
  }

  adminUnbans(chat: Ref, user: Ref, by?: Ref): Emitted[] {
    const chatRecord = this.world.chat(chat);
    const admin = this.world.requireChatAdmin(chatRecord, by);
    const userId = this.world.user(user).id;
    if (this.world.member(chatRecord, userId).status !== 'kicked')
      throw new ScenarioError('user is not banned');
    return this.asScenario(() => this.members.unban(chatRecord, userId, admin, true));
  }

  /** Runs a rule shared with the Bot API, reporting its violation as a ScenarioError. */
  private asScenario<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof TelegramApiError) throw new ScenarioError(e.description.replace(/^Bad Request: /, ''));
      throw e;
    }
  }

  /** Checks that the user may join, and that the link (if any) suits a join by request or a direct one. */
  private joinAttempt(
    user: Ref,
    chat: Ref,
    inviteLink: LinkRef | undefined,
    byRequest: boolean,
  ): { from: User; chatRecord: ChatRecord; link: LinkRecord | undefined } {
    const from = this.world.user(user);
    const chatRecord = this.world.chat(chat);
    const status = this.world.member(chatRecord, from.id).status;
    if (isMemberStatus(status)) throw new ScenarioError('user is already a member');
    if (status === 'kicked') throw new ScenarioError('user is banned in this chat');
    const link = inviteLink === undefined ? undefined : this.world.usableLink(chatRecord, inviteLink);
    if (link && link.createsJoinRequest !== byRequest) {
      throw new ScenarioError(
        byRequest
          ? 'this link does not create join requests; use userJoins'
          : 'this link creates join requests; use userRequestsJoin',
      );
    }
    return { from, chatRecord, link };
  }
}
