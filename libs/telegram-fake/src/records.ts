import type { UpdateQueue } from './queue';
import type { AdminRights, Chat, ChatMemberStatus, SupergroupOrChannel, Update, User } from './types';

/** An entity given by id or by any object carrying its id (a User, Chat or CreatedBot). */
export type Ref = number | { id: number };
/** An invite link given as its URL or as a ChatInviteLink. */
export type LinkRef = string | { invite_link: string };

/** Type aliases, not interfaces: the HTTP client passes them on as plain records. */
export type NewUser = {
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
};

/** A supergroup or channel; its owner is `creator`, or a new user made for it. */
export type NewChat = {
  title: string;
  type: 'supergroup' | 'channel';
  username?: string;
  creator?: Ref;
};

export interface CreatedBot {
  id: number;
  token: string;
  username: string;
  first_name: string;
}

/** An update placed in one bot's queue by a scenario step. */
export interface Emitted {
  bot_id: number;
  update: Update;
}

export interface DeliveryRecord {
  bot_id: number;
  update_id: number;
  url: string;
  attempts: number;
  /** HTTP status of the last attempt; 0 when the request itself failed. */
  status: number;
  statuses: number[];
  delivered: boolean;
  error?: string;
}

export interface ApiCallRecord {
  bot_id: number;
  method: string;
  params: Record<string, unknown>;
  date: number;
  ok: boolean;
  error_code?: number;
  description?: string;
}

export interface FaultSpec {
  method: string;
  bot?: Ref;
  error_code: number;
  description: string;
  retry_after?: number;
  /** How many calls fail before the method works again (default 1). */
  times?: number;
}

export interface InviteLinkOptions {
  name?: string;
  expire_date?: number;
  member_limit?: number;
  creates_join_request?: boolean;
}

/** @internal state of one bot. */
export interface BotRecord {
  /** Narrower than User so that getMe answers a UserFromGetMe. */
  user: User & { is_bot: true; username: string };
  token: string;
  webhook: { url: string; secretToken?: string; maxConnections: number } | null;
  allowedUpdates: string[] | null;
  queue: UpdateQueue;
  nextUpdateId: number;
  /** Someone uses this bot (API call or webhook), so idle() waits for its queue. */
  consumed: boolean;
  history: Update[];
  poller: { wake(): void; supersede(): void } | null;
  delivering: boolean;
  currentDelivery: DeliveryRecord | null;
  lastError: { date: number; message: string } | null;
}

/** @internal */
export interface MemberRecord {
  status: ChatMemberStatus;
  untilDate: number;
  rights?: AdminRights;
  /** Invite link the member joined through, for member_limit accounting. */
  joinedVia?: string;
}

/** @internal */
export interface LinkRecord {
  inviteLink: string;
  chatId: number;
  creatorId: number;
  createsJoinRequest: boolean;
  isPrimary: boolean;
  isRevoked: boolean;
  name?: string;
  expireDate?: number;
  memberLimit?: number;
}

/** @internal */
export interface ChatRecord {
  chat: SupergroupOrChannel;
  creatorId: number;
  members: Map<number, MemberRecord>;
  links: Map<string, LinkRecord>;
  pending: Map<number, { date: number; link?: string }>;
  nextMessageId: number;
}

/** @internal a bot's private chat with one user. */
export interface Dialog {
  started: boolean;
  blocked: boolean;
  nextMessageId: number;
}

export const idOf = (ref: Ref): number => (typeof ref === 'number' ? ref : ref.id);
export const linkOf = (ref: LinkRef): string => (typeof ref === 'string' ? ref : ref.invite_link);
export const isMemberStatus = (status: ChatMemberStatus): boolean =>
  status === 'creator' || status === 'administrator' || status === 'member' || status === 'restricted';

export function defaultAdminRights(type: Chat['type']): AdminRights {
  const rights: AdminRights = {
    can_manage_chat: true,
    can_delete_messages: true,
    can_manage_video_chats: true,
    can_restrict_members: true,
    can_promote_members: false,
    can_change_info: true,
    can_invite_users: true,
    can_post_stories: true,
    can_edit_stories: true,
    can_delete_stories: true,
  };
  if (type === 'channel') {
    rights.can_post_messages = true;
    rights.can_edit_messages = true;
  } else {
    rights.can_pin_messages = true;
    rights.can_manage_topics = false;
  }
  return rights;
}
