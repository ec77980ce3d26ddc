import type { ApiAnswer, BotApiParts } from './bot-api';
import { BotApiCalls } from './calls';
import { Clock } from './clock';
import { BotApiConditions, type NetworkConditions, type NetworkState } from './conditions';
import type { FakeControl } from './control';
import { Lifecycle } from './lifecycle';
import { Memberships } from './membership';
import { Polling } from './polling';
import { createRng } from './random';
import {
  idOf,
  linkOf,
  type ApiCallRecord,
  type CreatedBot,
  type DeliveryRecord,
  type Emitted,
  type FaultSpec,
  type InviteLinkOptions,
  type LinkRef,
  type NewChat,
  type NewUser,
  type Ref,
} from './records';
import { Scenario } from './scenario';
import { generateTraffic, type TrafficOptions, type TrafficResult } from './traffic';
import type { AdminRights, Chat, ChatInviteLink, ChatMember, Message, Update, User } from './types';
import { Updates } from './updates';
import { Webhooks } from './webhook';
import { World } from './world';

export interface FakeTelegramOptions extends NetworkConditions {
  /** Seed for tokens and invite link hashes; random when omitted. */
  seed?: number;
  /** First delay between webhook retries (ms); doubles up to webhookMaxRetryMs. */
  webhookRetryMs?: number;
  webhookMaxRetryMs?: number;
  /** A webhook POST that takes longer counts as failed and is retried. */
  webhookTimeoutMs?: number;
  /** Keep every update and Bot API call for inspection (turn off for very large benchmarks). */
  recordHistory?: boolean;
  /** update_id of each bot's first update. */
  firstUpdateId?: number;
}

/**
 * In-memory Telegram: bots, users, chats, memberships, invite links and per-bot update queues.
 * Scenario methods play what users and admins do in the Telegram apps and queue the updates
 * real Telegram would send; `callMethod` answers Bot API calls. Works without HTTP; webhook
 * delivery only needs outbound fetch.
 */
export class FakeTelegram implements FakeControl {
  readonly clock = new Clock();
  /** Latency and flood control of the Bot API; `configureNetwork` changes them while running. */
  readonly network: BotApiConditions;

  private readonly lifecycle = new Lifecycle();
  private readonly world: World;
  private readonly updates: Updates;
  private readonly scenario: Scenario;
  private readonly webhooks: Webhooks;
  private readonly calls: BotApiCalls;

  constructor(options: FakeTelegramOptions = {}) {
    const recordHistory = options.recordHistory ?? true;
    this.world = new World(this.clock, createRng(options.seed), options.firstUpdateId ?? 1);
    this.network = new BotApiConditions(options);
    // Queued updates start webhook delivery; a webhook reply is run as a Bot API call.
    this.updates = new Updates(this.world.bots, recordHistory, (bot) => this.webhooks.kick(bot));
    const members = new Memberships(this.world, this.updates);
    this.scenario = new Scenario(this.world, this.updates, members);
    this.webhooks = new Webhooks(
      this.updates,
      this.lifecycle,
      {
        retryMs: options.webhookRetryMs ?? 200,
        maxRetryMs: options.webhookMaxRetryMs ?? 2000,
        timeoutMs: options.webhookTimeoutMs ?? 10_000,
      },
      () => this.now(),
      (token, method, params) => this.callMethod(token, method, params),
    );
    const parts: BotApiParts = {
      world: this.world,
      members,
      webhooks: this.webhooks,
      polling: new Polling(this.updates, this.lifecycle),
      scenario: this.scenario,
    };
    this.calls = new BotApiCalls(parts, this.network, this.lifecycle, recordHistory);
  }

  // ---------------------------------------------------------------- clock

  now(): number {
    return this.clock.now();
  }
  setTime(unixSeconds: number, opts: { ticking?: boolean } = {}): void {
    this.clock.set(unixSeconds, opts);
  }
  advanceTime(seconds: number): void {
    this.clock.advance(seconds);
  }
  resetTime(): void {
    this.clock.reset();
  }

  // ---------------------------------------------------------------- entities

  createBot(opts: { username: string; first_name?: string }): CreatedBot {
    return this.world.createBot(opts);
  }

  createUser(opts: NewUser): User {
    return this.world.createUser(opts);
  }

  createChat(opts: NewChat): Chat {
    return this.world.createChat(opts);
  }

  getUser(ref: Ref): User | undefined {
    const user = this.world.users.get(idOf(ref));
    return user ? { ...user } : undefined;
  }
  getChat(ref: Ref): Chat | undefined {
    const chat = this.world.chats.get(idOf(ref));
    return chat ? { ...chat.chat } : undefined;
  }
  getBot(ref: Ref): CreatedBot | undefined {
    const bot = this.world.bots.get(idOf(ref));
    return bot ? this.world.botInfo(bot) : undefined;
  }
  /** The member as getChatMember would show it. */
  chatMember(chat: Ref, user: Ref): ChatMember {
    const record = this.world.chat(chat);
    return this.world.renderMember(record, this.world.user(user).id);
  }
  /** Invite link with its full URL. */
  inviteLink(link: LinkRef): ChatInviteLink | undefined {
    const record = this.world.linkIndex.get(linkOf(link));
    return record ? this.world.renderLink(record) : undefined;
  }
  pendingJoinRequests(chat: Ref): { user_id: number; date: number; invite_link?: string }[] {
    return this.world.pendingJoinRequests(this.world.chat(chat));
  }
  /** Bots, users and chats for debugging and the /_fake/state endpoint. */
  snapshot(): Record<string, unknown> {
    const world = this.world;
    return {
      now: this.now(),
      bots: [...world.bots.values()].map((b) => ({
        ...world.botInfo(b),
        webhook: b.webhook?.url ?? null,
        allowed_updates: b.allowedUpdates,
        pending_updates: b.queue.length,
        next_update_id: b.nextUpdateId,
      })),
      users: [...world.users.values()].filter((u) => !u.is_bot),
      chats: [...world.chats.values()].map((c) => ({
        ...c.chat,
        creator_id: c.creatorId,
        members: [...c.members].map(([id, m]) => ({ user_id: id, status: m.status })),
        invite_links: [...c.links.values()].map((l) => world.renderLink(l)),
        pending_join_requests: world.pendingJoinRequests(c),
      })),
    };
  }

  // ---------------------------------------------------------------- scenario: bots in chats

  /** The bot is added by an admin (the chat owner by default), as administrator unless admin: false. */
  addBotToChat(
    bot: Ref,
    chat: Ref,
    opts: { admin?: boolean; by?: Ref; rights?: Partial<AdminRights> } = {},
  ): Emitted[] {
    return this.scenario.addBotToChat(bot, chat, opts);
  }

  /** Without `by` the bot leaves by itself (status left); otherwise it is removed (kicked by default). */
  removeBotFromChat(bot: Ref, chat: Ref, by?: Ref, opts: { status?: 'left' | 'kicked' } = {}): Emitted[] {
    return this.scenario.removeBotFromChat(bot, chat, by, opts);
  }

  /** A link created by an admin user or bot outside the Bot API (e.g. in the app). */
  createInviteLink(chat: Ref, creator: Ref, opts: InviteLinkOptions = {}): ChatInviteLink {
    return this.scenario.createInviteLink(chat, creator, opts);
  }

  // ---------------------------------------------------------------- scenario: private chats

  /** The user opens t.me/<bot>?start=<payload> and presses Start. */
  userStartsBot(user: Ref, bot: Ref, payload?: string): Message {
    return this.scenario.userStartsBot(user, bot, payload);
  }

  userBlocksBot(user: Ref, bot: Ref): Emitted[] {
    return this.scenario.userBlocksBot(user, bot);
  }

  // ---------------------------------------------------------------- scenario: members

  /** The user taps a link that needs approval (or asks to join a public chat that requires it). */
  userRequestsJoin(user: Ref, chat: Ref, inviteLink?: LinkRef): Emitted[] {
    return this.scenario.userRequestsJoin(user, chat, inviteLink);
  }

  /** An admin (the owner by default, or a bot) approves a pending join request. */
  adminApprovesJoin(chat: Ref, user: Ref, by?: Ref): Emitted[] {
    return this.scenario.adminApprovesJoin(chat, user, by);
  }

  /** Declining is silent: Telegram sends no chat_member update for it. */
  adminDeclinesJoin(chat: Ref, user: Ref, by?: Ref): Emitted[] {
    return this.scenario.adminDeclinesJoin(chat, user, by);
  }

  /** The user joins directly: through a link without approval, or a public chat without one. */
  userJoins(user: Ref, chat: Ref, inviteLink?: LinkRef): Emitted[] {
    return this.scenario.userJoins(user, chat, inviteLink);
  }

  userLeaves(user: Ref, chat: Ref, opts: { unannounced?: boolean } = {}): Emitted[] {
    return this.scenario.userLeaves(user, chat, opts);
  }

  adminBans(chat: Ref, user: Ref, by?: Ref, opts: { untilDate?: number } = {}): Emitted[] {
    return this.scenario.adminBans(chat, user, by, opts);
  }

  /** "Remove from chat" in the apps: a ban immediately lifted, i.e. member→kicked then kicked→left. */
  adminKicks(chat: Ref, user: Ref, by?: Ref): Emitted[] {
    return this.scenario.adminKicks(chat, user, by);
  }

  adminUnbans(chat: Ref, user: Ref, by?: Ref): Emitted[] {
    return this.scenario.adminUnbans(chat, user, by);
  }

  // ---------------------------------------------------------------- raw updates and inspection

  /**
   * Queues any payload as an update, bypassing state and allowed_updates. An update_id is
   * assigned unless the payload carries a numeric one.
   */
  pushUpdate(bot: Ref, update: Record<string, unknown>): Update {
    return this.updates.push(this.world.bot(bot), update);
  }

  /** Bulk load for benchmarks; see generateTraffic. */
  generateTraffic(opts: TrafficOptions): TrafficResult {
    return generateTraffic(this, opts);
  }

  /** Messages bots sent to a chat (a user's private chat when given a user). */
  messagesSentTo(target: Ref): Message[] {
    const id = idOf(target);
    return this.world.sent.filter((m) => m.chat.id === id);
  }

  allMessages(): Message[] {
    return [...this.world.sent];
  }

  /** Every update queued for the bot so far (delivered or not), in order. */
  updatesFor(bot: Ref): Update[] {
    return [...this.world.bot(bot).history];
  }

  pendingUpdates(bot: Ref): Update[] {
    const record = this.world.bot(bot);
    return record.queue.take(record.queue.length);
  }

  deliveries(bot?: Ref): DeliveryRecord[] {
    return this.webhooks.deliveries(bot === undefined ? undefined : idOf(bot));
  }

  apiCalls(bot?: Ref): ApiCallRecord[] {
    return this.calls.calls(bot === undefined ? undefined : idOf(bot));
  }

  /** Changes the Bot API's latency and flood control; answers the conditions now in force. */
  configureNetwork(conditions: NetworkConditions): NetworkState {
    this.network.configure(conditions);
    return this.network.describe();
  }

  /** Makes the next call(s) of a Bot API method fail with the given error. */
  failNext(fault: FaultSpec): void {
    this.calls.failNext(fault);
  }

  // ---------------------------------------------------------------- idle

  /**
   * True when no update waits for a consumer: webhook bots have had every update acknowledged,
   * polling bots have confirmed every update. Bots nobody has called or set a webhook for are
   * ignored, since nothing will ever drain them.
   */
  isIdle(): boolean {
    return this.updates.isIdle();
  }

  pendingCounts(): Record<string, number> {
    return this.updates.pendingCounts();
  }

  idle(opts: { timeoutMs?: number } = {}): Promise<void> {
    return this.updates.idle(opts);
  }

  /** Stops webhook delivery and releases long polls; the state stays readable. */
  dispose(): void {
    this.lifecycle.disposed = true;
    for (const bot of this.world.bots.values()) bot.poller?.wake();
    this.lifecycle.wakeSleepers();
  }

  // ---------------------------------------------------------------- Bot API

  /** Answers one Bot API call; throws TelegramApiError with Telegram's code and description. */
  callMethod(
    token: string,
    method: string,
    raw: Record<string, unknown>,
    ctx: { signal?: AbortSignal } = {},
  ): Promise<ApiAnswer> {
    return this.calls.call(token, method, raw, ctx);
  }
}
