// Wire types of the Telegram Bot API, from @telegraf/types where its shape fits the fake. Field
// names follow https://core.telegram.org/bots/api exactly, so updates can be fed to any Bot API client.
import type {
  Chat as TelegrafChat,
  ChatAdministratorRights,
  ChatMember,
  ChatMemberUpdated as TelegrafChatMemberUpdated,
  InlineKeyboardButton as TelegrafInlineKeyboardButton,
  Message as TelegrafMessage,
  Update as TelegrafUpdate,
  UserFromGetMe,
} from '@telegraf/types';

export type {
  ChatInviteLink,
  ChatJoinRequest,
  ChatMember,
  ChatMemberAdministrator,
  ChatMemberBanned,
  ChatMemberLeft,
  ChatMemberMember,
  ChatMemberOwner,
  ChatMemberRestricted,
  MessageEntity,
  User,
  WebhookInfo,
} from '@telegraf/types';

/** Every key of any member of a union. */
type KeysOfUnion<T> = T extends unknown ? keyof T : never;
/**
 * A union read as one object, so readers need not narrow it first (telegraf's types are unions;
 * consumers read `chat.title` or `update.message` directly): keys all members share stay as they
 * are, the others become optional.
 */
type Flatten<T> = Pick<T, keyof T> & {
  [K in Exclude<KeysOfUnion<T>, keyof T>]?: T extends unknown ? (K extends keyof T ? T[K] : never) : never;
};

/** Any kind of chat. */
export type Chat = Flatten<TelegrafChat>;
export type ChatType = Chat['type'];
export type ChatMemberStatus = ChatMember['status'];
/** The only chats the fake creates besides private ones. */
export type SupergroupOrChannel = TelegrafChat.SupergroupChat | TelegrafChat.ChannelChat;

/** Result of getMe, with fields newer than @telegraf/types 7.1. */
export interface BotUser extends UserFromGetMe {
  can_connect_to_business: boolean;
  has_main_web_app: boolean;
}

/** The rights the fake keeps per administrator: is_anonymous belongs to the member, story rights are always set. */
export type AdminRights = Omit<ChatAdministratorRights, 'is_anonymous'> &
  Required<Pick<ChatAdministratorRights, 'can_post_stories' | 'can_edit_stories' | 'can_delete_stories'>>;

/** Adds via_join_request, newer than @telegraf/types 7.1. */
export interface ChatMemberUpdated extends Omit<TelegrafChatMemberUpdated, 'chat'> {
  chat: Chat;
  via_join_request?: boolean;
}

/** Any kind of inline button. */
export type InlineKeyboardButton = Flatten<TelegrafInlineKeyboardButton>;

export interface InlineKeyboardMarkup {
  inline_keyboard: InlineKeyboardButton[][];
}

/** The fake only sends and receives text messages. */
export interface Message extends Omit<TelegrafMessage.TextMessage, 'chat' | 'reply_markup'> {
  chat: Chat;
  reply_markup?: InlineKeyboardMarkup;
}

/** One update as delivered; exactly one payload field besides update_id is set. */
export interface Update extends Omit<Flatten<TelegrafUpdate>, 'message' | 'my_chat_member' | 'chat_member'> {
  message?: Message;
  my_chat_member?: ChatMemberUpdated;
  chat_member?: ChatMemberUpdated;
}

export const UPDATE_TYPES = [
  'message',
  'edited_message',
  'channel_post',
  'edited_channel_post',
  'business_connection',
  'business_message',
  'edited_business_message',
  'deleted_business_messages',
  'message_reaction',
  'message_reaction_count',
  'inline_query',
  'chosen_inline_result',
  'callback_query',
  'shipping_query',
  'pre_checkout_query',
  'purchased_paid_media',
  'poll',
  'poll_answer',
  'my_chat_member',
  'chat_member',
  'chat_join_request',
  'chat_boost',
  'removed_chat_boost',
] as const;
export type UpdateType = (typeof UPDATE_TYPES)[number];

/** Telegram leaves these out unless allowed_updates names them explicitly. */
export const OPT_IN_UPDATE_TYPES: readonly string[] = [
  'chat_member',
  'message_reaction',
  'message_reaction_count',
];
