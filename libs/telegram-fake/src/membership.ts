import { badRequest } from './errors';
import {
  isMemberStatus,
  type BotRecord,
  type ChatRecord,
  type Emitted,
  type LinkRecord,
  type MemberRecord,
} from './records';
import type { ChatMember, ChatMemberUpdated, User } from './types';
import type { Updates } from './updates';
import type { World } from './world';

/**
 * Membership changes and the updates they cause, shared by the scenario API and the Bot API
 * handlers. Rule violations throw TelegramApiError, as the Bot API reports them.
 */
export class Memberships {
  constructor(
    private readonly world: World,
    private readonly updates: Updates,
  ) {}

  /**
   * Applies a membership change and tells every bot concerned: the member itself if it is a bot
   * (my_chat_member), and the chat's administrator bots (chat_member).
   */
  change(
    chat: ChatRecord,
    userId: number,
    next: MemberRecord,
    ctx: { from: User; link?: LinkRecord; viaJoinRequest?: boolean },
  ): Emitted[] {
    const oldMember = this.world.renderMember(chat, userId);
    chat.members.set(userId, next);
    const newMember = this.world.renderMember(chat, userId);
    const date = this.world.now();
    const build = (bot: BotRecord): ChatMemberUpdated => {
      const payload: ChatMemberUpdated = {
        chat: { ...chat.chat },
        from: { ...ctx.from },
        date,
        old_chat_member: oldMember,
        new_chat_member: newMember,
      };
      if (ctx.link) payload.invite_link = this.world.renderLink(ctx.link, bot.user.id);
      if (ctx.viaJoinRequest) payload.via_join_request = true;
      return payload;
    };
    const subject = this.world.bots.get(userId);
    const out: Emitted[] = [];
    if (subject) out.push(...this.updates.emit([subject], 'my_chat_member', build));
    out.push(
      ...this.updates.emit(
        this.world.adminBots(chat).filter((b) => b !== subject),
        'chat_member',
        build,
      ),
    );
    return out;
  }

  /** my_chat_member in the user's private chat: the user blocked or unblocked the bot. */
  privateStatus(bot: BotRecord, user: User, from: 'member' | 'kicked', to: 'member' | 'kicked'): Emitted[] {
    const member = (status: 'member' | 'kicked'): ChatMember =>
      status === 'member'
        ? { status, user: { ...bot.user } }
        : { status, user: { ...bot.user }, until_date: 0 };
    return this.updates.emit([bot], 'my_chat_member', () => ({
      chat: this.world.privateChat(user),
      from: { ...user },
      date: this.world.now(),
      old_chat_member: member(from),
      new_chat_member: member(to),
    }));
  }

  approveJoin(chat: ChatRecord, userId: number, by: User): Emitted[] {
    const request = chat.pending.get(userId);
    if (!request) throw badRequest('HIDE_REQUESTER_MISSING');
    if (isMemberStatus(this.world.member(chat, userId).status)) {
      chat.pending.delete(userId);
      throw badRequest('USER_ALREADY_PARTICIPANT');
    }
    chat.pending.delete(userId);
    const link = request.link ? this.world.linkIndex.get(request.link) : undefined;
    const next: MemberRecord = { status: 'member', untilDate: 0 };
    if (link) next.joinedVia = link.inviteLink;
    return this.change(
      chat,
      userId,
      next,
      link ? { from: by, link, viaJoinRequest: true } : { from: by, viaJoinRequest: true },
    );
  }

  /** Declining is silent: Telegram sends no chat_member update for it. */
  declineJoin(chat: ChatRecord, userId: number): Emitted[] {
    if (!chat.pending.delete(userId)) throw badRequest('HIDE_REQUESTER_MISSING');
    return [];
  }

  ban(chat: ChatRecord, userId: number, by: User, untilDate: number): Emitted[] {
    const status = this.world.member(chat, userId).status;
    if (status === 'creator') throw badRequest("can't remove chat owner");
    if (status === 'administrator' && by.id !== chat.creatorId)
      throw badRequest('user is an administrator of the chat');
    chat.pending.delete(userId);
    if (status === 'kicked') {
      this.world.member(chat, userId).untilDate = untilDate;
      return [];
    }
    return this.change(chat, userId, { status: 'kicked', untilDate }, { from: by });
  }

  /** Lifts a ban; with `removeMember` a current member is removed too (Bot API default). */
  unban(chat: ChatRecord, userId: number, by: User, removeMember: boolean): Emitted[] {
    const status = this.world.member(chat, userId).status;
    if (status === 'creator') throw badRequest("can't remove chat owner");
    if (status === 'administrator') throw badRequest('user is an administrator of the chat');
    if (status === 'kicked' || (removeMember && isMemberStatus(status))) {
      return this.change(chat, userId, { status: 'left', untilDate: 0 }, { from: by });
    }
    return [];
  }
}
