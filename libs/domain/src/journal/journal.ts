import type { JournalAction, MembershipEvent } from '@subtrack/contracts';

/** The subset of Telegram's ChatMember this mapping looks at. */
export interface ChatMemberLike {
  status: string;
  is_member?: boolean;
  user?: { id: number };
}

export interface ChatMemberUpdateLike {
  from: { id: number };
  old_chat_member: ChatMemberLike;
  new_chat_member: ChatMemberLike;
  via_join_request?: boolean;
  /** The invite link used to join; one that `creates_join_request` can only be used through an approved request. */
  invite_link?: { creates_join_request?: boolean };
}

const isMember = (m: ChatMemberLike): boolean =>
  m.status === 'creator' ||
  m.status === 'administrator' ||
  m.status === 'member' ||
  (m.status === 'restricted' && m.is_member === true);

export type MembershipKind = 'joined' | 'approved' | 'left' | 'banned';

/**
 * SPEC §5: what a `chat_member` change means. A join through an approved request is an approval; a
 * removal by somebody else counts as a ban even when the user is not left banned. Changes that keep
 * the user a member (promotion, restriction) or lift a ban are not chat activity.
 */
export function classifyChatMember(update: ChatMemberUpdateLike): MembershipKind | null {
  const was = isMember(update.old_chat_member);
  const now = isMember(update.new_chat_member);
  // Telegram sets via_join_request only for requests sent without an invite link; a request sent
  // through a link with creates_join_request (the lead's personal link) arrives with that link.
  const viaRequest = update.via_join_request === true || update.invite_link?.creates_join_request === true;
  if (!was && now) return viaRequest ? 'approved' : 'joined';
  if (update.new_chat_member.status === 'kicked')
    return update.old_chat_member.status === 'kicked' ? null : 'banned';
  if (was && !now) {
    const userId = update.new_chat_member.user?.id ?? update.old_chat_member.user?.id;
    return update.from.id === userId ? 'left' : 'banned';
  }
  return null;
}

const ACTION_BY_EVENT: Record<MembershipEvent['type'], JournalAction> = {
  JoinRequested: 'request',
  JoinRequestApproved: 'approve',
  MemberJoined: 'join',
  MemberLeft: 'leave',
  MemberBanned: 'ban',
};

export const journalAction = (type: MembershipEvent['type']): JournalAction => ACTION_BY_EVENT[type];

export const isMembershipEvent = (e: { type: string }): e is MembershipEvent =>
  Object.hasOwn(ACTION_BY_EVENT, e.type);
