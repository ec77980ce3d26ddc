import type {
  ApiCallRecord,
  CreatedBot,
  DeliveryRecord,
  Emitted,
  FaultSpec,
  InviteLinkOptions,
  LinkRef,
  NewChat,
  NewUser,
  Ref,
} from './records';
import type { NetworkConditions, NetworkState } from './conditions';
import type { TrafficOptions, TrafficResult } from './traffic';
import type { AdminRights, Chat, ChatInviteLink, Message, Update, User } from './types';

export type MaybePromise<T> = T | Promise<T>;

/**
 * The scenario API, shared by the in-process FakeTelegram and the HTTP FakeTelegramClient, so a
 * driver (the simulator, an e2e test) runs unchanged in or out of process. Always `await` results.
 */
export interface FakeControl {
  createBot(opts: { username: string; first_name?: string }): MaybePromise<CreatedBot>;
  createUser(opts: NewUser): MaybePromise<User>;
  createChat(opts: NewChat): MaybePromise<Chat>;
  addBotToChat(
    bot: Ref,
    chat: Ref,
    opts?: { admin?: boolean; by?: Ref; rights?: Partial<AdminRights> },
  ): MaybePromise<Emitted[]>;
  removeBotFromChat(
    bot: Ref,
    chat: Ref,
    by?: Ref,
    opts?: { status?: 'left' | 'kicked' },
  ): MaybePromise<Emitted[]>;
  createInviteLink(chat: Ref, creator: Ref, opts?: InviteLinkOptions): MaybePromise<ChatInviteLink>;
  userStartsBot(user: Ref, bot: Ref, payload?: string): MaybePromise<Message>;
  userBlocksBot(user: Ref, bot: Ref): MaybePromise<Emitted[]>;
  userRequestsJoin(user: Ref, chat: Ref, inviteLink?: LinkRef): MaybePromise<Emitted[]>;
  adminApprovesJoin(chat: Ref, user: Ref, by?: Ref): MaybePromise<Emitted[]>;
  adminDeclinesJoin(chat: Ref, user: Ref, by?: Ref): MaybePromise<Emitted[]>;
  userJoins(user: Ref, chat: Ref, inviteLink?: LinkRef): MaybePromise<Emitted[]>;
  /** `unannounced`: the leave happens, but no update is sent (Telegram drops some in large chats). */
  userLeaves(user: Ref, chat: Ref, opts?: { unannounced?: boolean }): MaybePromise<Emitted[]>;
  adminBans(chat: Ref, user: Ref, by?: Ref, opts?: { untilDate?: number }): MaybePromise<Emitted[]>;
  adminKicks(chat: Ref, user: Ref, by?: Ref): MaybePromise<Emitted[]>;
  adminUnbans(chat: Ref, user: Ref, by?: Ref): MaybePromise<Emitted[]>;
  pushUpdate(bot: Ref, update: Record<string, unknown>): MaybePromise<Update>;
  generateTraffic(opts: TrafficOptions): MaybePromise<TrafficResult>;
  messagesSentTo(target: Ref): MaybePromise<Message[]>;
  updatesFor(bot: Ref): MaybePromise<Update[]>;
  deliveries(bot?: Ref): MaybePromise<DeliveryRecord[]>;
  apiCalls(bot?: Ref): MaybePromise<ApiCallRecord[]>;
  failNext(fault: FaultSpec): MaybePromise<void>;
  /** Bot API latency and flood control from now on. */
  configureNetwork(conditions: NetworkConditions): MaybePromise<NetworkState>;
  idle(opts?: { timeoutMs?: number }): Promise<void>;
  now(): MaybePromise<number>;
  setTime(unixSeconds: number, opts?: { ticking?: boolean }): MaybePromise<void>;
  advanceTime(seconds: number): MaybePromise<void>;
  resetTime(): MaybePromise<void>;
}
