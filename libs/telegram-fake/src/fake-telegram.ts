import { BotApiConditions, type NetworkConditions, type NetworkState } from './conditions';
import { Clock } from './clock';
import { ScenarioError, TelegramApiError, badRequest, notFound, unauthorized } from './errors';
import { Params } from './params';
import { UpdateQueue } from './queue';
import { createRng, type Rng } from './random';
import {
  OPT_IN_UPDATE_TYPES,
  type AdminRights,
  type Chat,
  type ChatInviteLink,
  type ChatMember,
  type ChatMemberStatus,
  type ChatMemberUpdated,
  type Message,
  type Update,
  type User,
} from './types';
import { BOT_API, ApiAnswer } from './bot-api';
import type { FakeControl } from './control';
import { generateTraffic, type TrafficOptions, type TrafficResult } from './traffic';

/** An entity given by id or by any object carrying its id (a User, Chat or CreatedBot). */
export type Ref = number | { id: number };
/** An invite link given as its URL or as a ChatInviteLink. */
export type LinkRef = string | { invite_link: string };

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

/** @internal state of one bot; exported for the Bot API handlers only. */
export interface BotRecord {
  user: User;
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
  chat: Chat;
  creatorId: number;
  members: Map<number, MemberRecord>;
  links: Map<string, LinkRecord>;
  pending: Map<number, { date: number; link?: string }>;
  nextMessageId: number;
}

interface Dialog {
  started: boolean;
  blocked: boolean;
  nextMessageId: number;
}

const BOT_ID_BASE = 7_000_000_000;
const USER_ID_BASE = 100_000_000;
const CHAT_ID_BASE = 1_001_000_000_000;
const START_PAYLOAD = /^[A-Za-z0-9_-]{1,64}$/;
const USERNAME = /^[A-Za-z][A-Za-z0-9_]{3,31}$/;

const idOf = (ref: Ref): number => (typeof ref === 'number' ? ref : ref.id);
const linkOf = (ref: LinkRef): string => (typeof ref === 'string' ? ref : ref.invite_link);
const isMemberStatus = (status: ChatMemberStatus): boolean =>
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

/**
 * In-memory Telegram: bots, users, chats, memberships, invite links and per-bot update queues.
 * Scenario methods play what users and admins do in the Telegram apps and queue the updates
 * real Telegram would send; `callMethod` answers Bot API calls. Works without HTTP; webhook
 * delivery only needs outbound fetch.
 */
export class FakeTelegram implements FakeControl {
  readonly clock = new Clock();
  private readonly rng: Rng;
  private readonly opts: Required<Omit<FakeTelegramOptions, 'seed' | keyof NetworkConditions>>;
  /** Latency and flood control of the Bot API; `configureNetwork` changes them while running. */
  readonly network: BotApiConditions;

  private readonly users = new Map<number, User>();
  private readonly bots = new Map<number, BotRecord>();
  private readonly botsByToken = new Map<string, BotRecord>();
  private readonly chats = new Map<number, ChatRecord>();
  private readonly linkIndex = new Map<string, LinkRecord>();
  private readonly usernames = new Set<string>();
  private readonly dialogs = new Map<string, Dialog>();
  private readonly sent: Message[] = [];
  private readonly deliveryLog: DeliveryRecord[] = [];
  private readonly callLog: ApiCallRecord[] = [];
  private readonly faults: (FaultSpec & { remaining: number })[] = [];
  private readonly idleWaiters = new Set<() => void>();
  private readonly sleepers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private nextBot = 1;
  private nextUser = 1;
  private nextChat = 1;
  private disposed = false;

  constructor(options: FakeTelegramOptions = {}) {
    this.rng = createRng(options.seed);
    this.network = new BotApiConditions(options);
    this.opts = {
      webhookRetryMs: options.webhookRetryMs ?? 200,
      webhookMaxRetryMs: options.webhookMaxRetryMs ?? 2000,
      webhookTimeoutMs: options.webhookTimeoutMs ?? 10_000,
      recordHistory: options.recordHistory ?? true,
      firstUpdateId: options.firstUpdateId ?? 1,
    };
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
    this.claimUsername(opts.username);
    const id = BOT_ID_BASE + this.nextBot++;
    const user: User = {
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
      nextUpdateId: this.opts.firstUpdateId,
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

  createUser(opts: {
    first_name: string;
    last_name?: string;
    username?: string;
    language_code?: string;
  }): User {
    if (!opts.first_name) throw new ScenarioError('first_name is required');
    if (opts.username !== undefined) this.claimUsername(opts.username);
    const user: User = { id: USER_ID_BASE + this.nextUser++, is_bot: false, first_name: opts.first_name };
    if (opts.last_name) user.last_name = opts.last_name;
    if (opts.username) user.username = opts.username;
    if (opts.language_code) user.language_code = opts.language_code;
    this.users.set(user.id, user);
    return { ...user };
  }

  /** A supergroup or channel; its owner is `creator`, or a new user made for it. */
  createChat(opts: {
    title: string;
    type: 'supergroup' | 'channel';
    username?: string;
    creator?: Ref;
  }): Chat {
    if (opts.type !== 'supergroup' && opts.type !== 'channel') {
      throw new ScenarioError(`chat type must be supergroup or channel, not ${String(opts.type)}`);
    }
    if (!opts.title) throw new ScenarioError('title is required');
    if (opts.username !== undefined) this.claimUsername(opts.username);
    const creatorId =
      opts.creator !== undefined
        ? this.user(opts.creator).id
        : this.createUser({ first_name: `${opts.title} owner` }).id;
    const chat: Chat = { id: -(CHAT_ID_BASE + this.nextChat++), type: opts.type, title: opts.title };
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

  getUser(ref: Ref): User | undefined {
    const user = this.users.get(idOf(ref));
    return user ? { ...user } : undefined;
  }
  getChat(ref: Ref): Chat | undefined {
    const chat = this.chats.get(idOf(ref));
    return chat ? { ...chat.chat } : undefined;
  }
  getBot(ref: Ref): CreatedBot | undefined {
    const bot = this.bots.get(idOf(ref));
    return bot ? this.botInfo(bot) : undefined;
  }
  /** The member as getChatMember would show it. */
  chatMember(chat: Ref, user: Ref): ChatMember {
    const record = this.chat(chat);
    return this.renderMember(record, this.user(user).id);
  }
  /** Invite link with its full URL. */
  inviteLink(link: LinkRef): ChatInviteLink | undefined {
    const record = this.linkIndex.get(linkOf(link));
    return record ? this.renderLink(record) : undefined;
  }
  pendingJoinRequests(chat: Ref): { user_id: number; date: number; invite_link?: string }[] {
    return [...this.chat(chat).pending].map(([userId, p]) => ({
      user_id: userId,
      date: p.date,
      ...(p.link ? { invite_link: p.link } : {}),
    }));
  }
  /** Bots, users and chats for debugging and the /_fake/state endpoint. */
  snapshot(): Record<string, unknown> {
    return {
      now: this.now(),
      bots: [...this.bots.values()].map((b) => ({
        ...this.botInfo(b),
        webhook: b.webhook?.url ?? null,
        allowed_updates: b.allowedUpdates,
        pending_updates: b.queue.length,
        next_update_id: b.nextUpdateId,
      })),
      users: [...this.users.values()].filter((u) => !u.is_bot),
      chats: [...this.chats.values()].map((c) => ({
        ...c.chat,
        creator_id: c.creatorId,
        members: [...c.members].map(([id, m]) => ({ user_id: id, status: m.status })),
        invite_links: [...c.links.values()].map((l) => this.renderLink(l)),
        pending_join_requests: this.pendingJoinRequests(c.chat.id),
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
    const botRecord = this.bot(bot);
    const chatRecord = this.chat(chat);
    const admin = opts.admin ?? true;
    if (chatRecord.chat.type === 'channel' && !admin) {
      throw new ScenarioError('bots can only be added to channels as administrators');
    }
    const by = this.requireChatAdmin(chatRecord, opts.by);
    const next: MemberRecord = admin
      ? {
          status: 'administrator',
          untilDate: 0,
          rights: { ...defaultAdminRights(chatRecord.chat.type), ...opts.rights },
        }
      : { status: 'member', untilDate: 0 };
    return this.changeMember(chatRecord, botRecord.user.id, next, { from: by });
  }

  /** Without `by` the bot leaves by itself (status left); otherwise it is removed (kicked by default). */
  removeBotFromChat(bot: Ref, chat: Ref, by?: Ref, opts: { status?: 'left' | 'kicked' } = {}): Emitted[] {
    const botRecord = this.bot(bot);
    const chatRecord = this.chat(chat);
    if (!isMemberStatus(this.member(chatRecord, botRecord.user.id).status)) {
      throw new ScenarioError('the bot is not in this chat');
    }
    if (by === undefined) {
      return this.changeMember(
        chatRecord,
        botRecord.user.id,
        { status: 'left', untilDate: 0 },
        { from: botRecord.user },
      );
    }
    const from = this.requireChatAdmin(chatRecord, by);
    const status = opts.status ?? 'kicked';
    return this.changeMember(chatRecord, botRecord.user.id, { status, untilDate: 0 }, { from });
  }

  /** A link created by an admin user or bot outside the Bot API (e.g. in the app). */
  createInviteLink(chat: Ref, creator: Ref, opts: InviteLinkOptions = {}): ChatInviteLink {
    const chatRecord = this.chat(chat);
    const creatorUser = this.requireChatAdmin(chatRecord, creator);
    try {
      return this.renderLink(this.newLink(chatRecord, creatorUser.id, opts));
    } catch (e) {
      if (e instanceof TelegramApiError) throw new ScenarioError(e.description);
      throw e;
    }
  }

  // ---------------------------------------------------------------- scenario: private chats

  /** The user opens t.me/<bot>?start=<payload> and presses Start. */
  userStartsBot(user: Ref, bot: Ref, payload?: string): Message {
    const from = this.user(user);
    const botRecord = this.bot(bot);
    if (from.is_bot) throw new ScenarioError('bots cannot start bots');
    if (payload !== undefined && !START_PAYLOAD.test(payload)) {
      throw new ScenarioError('start payload must be 1-64 characters of A-Za-z0-9_-');
    }
    const dialog = this.dialog(botRecord.user.id, from.id);
    if (dialog.blocked) {
      dialog.blocked = false;
      this.emitPrivateStatus(botRecord, from, 'kicked', 'member');
    }
    dialog.started = true;
    const text = payload ? `/start ${payload}` : '/start';
    const message: Message = {
      message_id: dialog.nextMessageId++,
      from: { ...from },
      chat: this.privateChat(from),
      date: this.now(),
      text,
      entities: [{ type: 'bot_command', offset: 0, length: 6 }],
    };
    this.emit([botRecord], 'message', () => message);
    return message;
  }

  userBlocksBot(user: Ref, bot: Ref): Emitted[] {
    const from = this.user(user);
    const botRecord = this.bot(bot);
    const dialog = this.dialog(botRecord.user.id, from.id);
    if (dialog.blocked) throw new ScenarioError('already blocked');
    dialog.blocked = true;
    return this.emitPrivateStatus(botRecord, from, 'member', 'kicked');
  }

  // ---------------------------------------------------------------- scenario: members

  /** The user taps a link that needs approval (or asks to join a public chat that requires it). */
  userRequestsJoin(user: Ref, chat: Ref, inviteLink?: LinkRef): Emitted[] {
    const from = this.user(user);
    const chatRecord = this.chat(chat);
    this.assertCanJoin(chatRecord, from.id);
    let link: LinkRecord | undefined;
    if (inviteLink !== undefined) {
      link = this.usableLink(chatRecord, inviteLink);
      if (!link.createsJoinRequest) {
        throw new ScenarioError('this link does not create join requests; use userJoins');
      }
    }
    const date = this.now();
    chatRecord.pending.set(from.id, link ? { date, link: link.inviteLink } : { date });
    const recipients = this.adminBots(chatRecord).filter(
      (b) => this.botRights(chatRecord, b)?.can_invite_users,
    );
    return this.emit(recipients, 'chat_join_request', (bot) => ({
      chat: { ...chatRecord.chat },
      from: { ...from },
      user_chat_id: from.id,
      date,
      ...(link ? { invite_link: this.renderLink(link, bot.user.id) } : {}),
    }));
  }

  /** An admin (the owner by default, or a bot) approves a pending join request. */
  adminApprovesJoin(chat: Ref, user: Ref, by?: Ref): Emitted[] {
    const chatRecord = this.chat(chat);
    const approver = this.requireChatAdmin(chatRecord, by);
    return this.scenario(() => this.approveJoin(chatRecord, this.user(user).id, approver));
  }

  /** Declining is silent: Telegram sends no chat_member update for it. */
  adminDeclinesJoin(chat: Ref, user: Ref, by?: Ref): Emitted[] {
    const chatRecord = this.chat(chat);
    this.requireChatAdmin(chatRecord, by);
    return this.scenario(() => this.declineJoin(chatRecord, this.user(user).id));
  }

  /** The user joins directly: through a link without approval, or a public chat without one. */
  userJoins(user: Ref, chat: Ref, inviteLink?: LinkRef): Emitted[] {
    const from = this.user(user);
    const chatRecord = this.chat(chat);
    this.assertCanJoin(chatRecord, from.id);
    let link: LinkRecord | undefined;
    if (inviteLink !== undefined) {
      link = this.usableLink(chatRecord, inviteLink);
      if (link.createsJoinRequest) {
        throw new ScenarioError('this link creates join requests; use userRequestsJoin');
      }
    }
    chatRecord.pending.delete(from.id);
    const next: MemberRecord = { status: 'member', untilDate: 0 };
    if (link) next.joinedVia = link.inviteLink;
    return this.changeMember(chatRecord, from.id, next, link ? { from, link } : { from });
  }

  userLeaves(user: Ref, chat: Ref, opts: { unannounced?: boolean } = {}): Emitted[] {
    const from = this.user(user);
    const chatRecord = this.chat(chat);
    const status = this.member(chatRecord, from.id).status;
    if (status === 'creator') throw new ScenarioError('the owner cannot leave in this fake');
    if (!isMemberStatus(status)) throw new ScenarioError(`user is not a member (${status})`);
    if (opts.unannounced) {
      chatRecord.members.set(from.id, { status: 'left', untilDate: 0 });
      return [];
    }
    return this.changeMember(chatRecord, from.id, { status: 'left', untilDate: 0 }, { from });
  }

  adminBans(chat: Ref, user: Ref, by?: Ref, opts: { untilDate?: number } = {}): Emitted[] {
    const chatRecord = this.chat(chat);
    const admin = this.requireChatAdmin(chatRecord, by);
    return this.scenario(() => this.ban(chatRecord, this.user(user).id, admin, opts.untilDate ?? 0));
  }

  /** "Remove from chat" in the apps: a ban immediately lifted, i.e. member→kicked then kicked→left. */
  adminKicks(chat: Ref, user: Ref, by?: Ref): Emitted[] {
    const chatRecord = this.chat(chat);
    const admin = this.requireChatAdmin(chatRecord, by);
    const userId = this.user(user).id;
    if (!isMemberStatus(this.member(chatRecord, userId).status)) {
      throw new ScenarioError('user is not a member');
    }
    return this.scenario(() => [
      ...this.ban(chatRecord, userId, admin, 0),
      ...this.unban(chatRecord, userId, admin, true),
    ]);
  }

  adminUnbans(chat: Ref, user: Ref, by?: Ref): Emitted[] {
    const chatRecord = this.chat(chat);
    const admin = this.requireChatAdmin(chatRecord, by);
    const userId = this.user(user).id;
    if (this.member(chatRecord, userId).status !== 'kicked') throw new ScenarioError('user is not banned');
    return this.scenario(() => this.unban(chatRecord, userId, admin, true));
  }

  // ---------------------------------------------------------------- raw updates and inspection

  /**
   * Queues any payload as an update, bypassing state and allowed_updates. An update_id is
   * assigned unless the payload carries a numeric one.
   */
  pushUpdate(bot: Ref, update: Record<string, unknown>): Update {
    const record = this.bot(bot);
    const given = update.update_id;
    if (typeof given === 'number' && Number.isInteger(given)) {
      record.nextUpdateId = Math.max(record.nextUpdateId, given + 1);
      return this.enqueueUpdate(record, { ...update } as Update);
    }
    return this.enqueueUpdate(record, { ...update, update_id: record.nextUpdateId++ } as Update);
  }

  /** Bulk load for benchmarks; see generateTraffic. */
  generateTraffic(opts: TrafficOptions): TrafficResult {
    return generateTraffic(this, opts);
  }

  /** Messages bots sent to a chat (a user's private chat when given a user). */
  messagesSentTo(target: Ref): Message[] {
    const id = idOf(target);
    return this.sent.filter((m) => m.chat.id === id);
  }

  allMessages(): Message[] {
    return [...this.sent];
  }

  /** Every update queued for the bot so far (delivered or not), in order. */
  updatesFor(bot: Ref): Update[] {
    return [...this.bot(bot).history];
  }

  pendingUpdates(bot: Ref): Update[] {
    const record = this.bot(bot);
    return record.queue.take(record.queue.length);
  }

  deliveries(bot?: Ref): DeliveryRecord[] {
    const id = bot === undefined ? undefined : idOf(bot);
    return this.deliveryLog
      .filter((d) => id === undefined || d.bot_id === id)
      .map((d) => ({ ...d, statuses: [...d.statuses] }));
  }

  apiCalls(bot?: Ref): ApiCallRecord[] {
    const id = bot === undefined ? undefined : idOf(bot);
    return this.callLog.filter((c) => id === undefined || c.bot_id === id);
  }

  /** Changes the Bot API's latency and flood control; answers the conditions now in force. */
  configureNetwork(conditions: NetworkConditions): NetworkState {
    this.network.configure(conditions);
    return this.network.describe();
  }

  /** Makes the next call(s) of a Bot API method fail with the given error. */
  failNext(fault: FaultSpec): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  // ---------------------------------------------------------------- idle

  /**
   * True when no update waits for a consumer: webhook bots have had every update acknowledged,
   * polling bots have confirmed every update. Bots nobody has called or set a webhook for are
   * ignored, since nothing will ever drain them.
   */
  isIdle(): boolean {
    for (const bot of this.bots.values()) {
      if ((bot.consumed || bot.webhook) && bot.queue.length > 0) return false;
    }
    return true;
  }

  pendingCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const bot of this.bots.values()) {
      if ((bot.consumed || bot.webhook) && bot.queue.length > 0) out[String(bot.user.id)] = bot.queue.length;
    }
    return out;
  }

  idle(opts: { timeoutMs?: number } = {}): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter = (): void => {
        if (timer) clearTimeout(timer);
        this.idleWaiters.delete(waiter);
        resolve();
      };
      if (opts.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.idleWaiters.delete(waiter);
          reject(
            new Error(
              `not idle after ${opts.timeoutMs} ms; pending updates per bot: ${JSON.stringify(this.pendingCounts())}`,
            ),
          );
        }, opts.timeoutMs);
      }
      this.idleWaiters.add(waiter);
    });
  }

  /** Stops webhook delivery and releases long polls; the state stays readable. */
  dispose(): void {
    this.disposed = true;
    for (const bot of this.bots.values()) bot.poller?.wake();
    for (const sleeper of this.sleepers) {
      clearTimeout(sleeper.timer);
      sleeper.resolve();
    }
    this.sleepers.clear();
  }

  // ---------------------------------------------------------------- Bot API

  /** Answers one Bot API call; throws TelegramApiError with Telegram's code and description. */
  async callMethod(
    token: string,
    method: string,
    raw: Record<string, unknown>,
    ctx: { signal?: AbortSignal } = {},
  ): Promise<ApiAnswer> {
    const bot = this.botsByToken.get(token);
    if (!bot) throw unauthorized();
    bot.consumed = true;
    const handler = BOT_API[method.toLowerCase()];
    if (!handler) throw notFound();
    const log: ApiCallRecord | undefined = this.opts.recordHistory
      ? { bot_id: bot.user.id, method, params: raw, date: this.now(), ok: true }
      : undefined;
    if (log) this.callLog.push(log);
    try {
      const delay = this.network.delayMs();
      if (delay > 0) await this.sleep(delay);
      this.network.admit(bot.user.id, method);
      const fault = this.takeFault(bot, method);
      if (fault) throw fault;
      const value = await handler(this, bot, new Params(raw), ctx);
      return value instanceof ApiAnswer ? value : new ApiAnswer(value);
    } catch (e) {
      if (log && e instanceof TelegramApiError) {
        log.ok = false;
        log.error_code = e.errorCode;
        log.description = e.description;
      }
      throw e;
    }
  }

  // ---------------------------------------------------------------- internals for the Bot API handlers

  /** @internal */
  findChat(chatId: number | string): ChatRecord | undefined {
    if (typeof chatId === 'number') return this.chats.get(chatId);
    const name = chatId.slice(1).toLowerCase();
    for (const chat of this.chats.values()) if (chat.chat.username?.toLowerCase() === name) return chat;
    return undefined;
  }

  /** @internal A group chat the bot can see: it is in it, or the chat is public. */
  chatForBot(bot: BotRecord, chatId: number | string): ChatRecord {
    const chat = this.findChat(chatId);
    if (!chat) throw badRequest('chat not found');
    const status = this.member(chat, bot.user.id).status;
    if (!isMemberStatus(status) && !chat.chat.username) throw badRequest('chat not found');
    return chat;
  }

  /** @internal */
  botRights(chat: ChatRecord, bot: BotRecord): AdminRights | undefined {
    const member = this.member(chat, bot.user.id);
    return member.status === 'administrator' ? member.rights : undefined;
  }

  /** @internal */
  lookupUser(id: number): User | undefined {
    return this.users.get(id);
  }

  /** @internal */
  member(chat: ChatRecord, userId: number): MemberRecord {
    return chat.members.get(userId) ?? { status: 'left', untilDate: 0 };
  }

  /** @internal */
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
          can_send_messages: false,
          until_date: record.untilDate,
        };
      case 'left':
        return { status: 'left', user: u };
      case 'kicked':
        return { status: 'kicked', user: u, until_date: record.untilDate };
    }
  }

  /**
   * @internal As the viewer bot sees the link: Telegram hides the second half of links that
   * somebody else created.
   */
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

  /** @internal Validates like createChatInviteLink and stores a new link. */
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

  /** @internal */
  approveJoin(chat: ChatRecord, userId: number, by: User): Emitted[] {
    const request = chat.pending.get(userId);
    if (!request) throw badRequest('HIDE_REQUESTER_MISSING');
    if (isMemberStatus(this.member(chat, userId).status)) {
      chat.pending.delete(userId);
      throw badRequest('USER_ALREADY_PARTICIPANT');
    }
    chat.pending.delete(userId);
    const link = request.link ? this.linkIndex.get(request.link) : undefined;
    const next: MemberRecord = { status: 'member', untilDate: 0 };
    if (link) next.joinedVia = link.inviteLink;
    return this.changeMember(
      chat,
      userId,
      next,
      link ? { from: by, link, viaJoinRequest: true } : { from: by, viaJoinRequest: true },
    );
  }

  /** @internal */
  declineJoin(chat: ChatRecord, userId: number): Emitted[] {
    if (!chat.pending.delete(userId)) throw badRequest('HIDE_REQUESTER_MISSING');
    return [];
  }

  /** @internal */
  ban(chat: ChatRecord, userId: number, by: User, untilDate: number): Emitted[] {
    const status = this.member(chat, userId).status;
    if (status === 'creator') throw badRequest("can't remove chat owner");
    if (status === 'administrator' && by.id !== chat.creatorId)
      throw badRequest('user is an administrator of the chat');
    chat.pending.delete(userId);
    if (status === 'kicked') {
      this.member(chat, userId).untilDate = untilDate;
      return [];
    }
    return this.changeMember(chat, userId, { status: 'kicked', untilDate }, { from: by });
  }

  /** @internal Lifts a ban; with `removeMember` a current member is removed too (Bot API default). */
  unban(chat: ChatRecord, userId: number, by: User, removeMember: boolean): Emitted[] {
    const status = this.member(chat, userId).status;
    if (status === 'creator') throw badRequest("can't remove chat owner");
    if (status === 'administrator') throw badRequest('user is an administrator of the chat');
    if (status === 'kicked' || (removeMember && isMemberStatus(status))) {
      return this.changeMember(chat, userId, { status: 'left', untilDate: 0 }, { from: by });
    }
    return [];
  }

  /** @internal */
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

  /** @internal */
  recordSentMessage(bot: BotRecord, chat: Chat, fields: Partial<Message>): Message {
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

  /** @internal */
  privateChat(user: User): Chat {
    const chat: Chat = { id: user.id, first_name: user.first_name, type: 'private' };
    if (user.last_name) chat.last_name = user.last_name;
    if (user.username) chat.username = user.username;
    return chat;
  }

  /** @internal */
  botInfo(bot: BotRecord): CreatedBot {
    return {
      id: bot.user.id,
      token: bot.token,
      username: bot.user.username ?? '',
      first_name: bot.user.first_name,
    };
  }

  /** @internal setWebhook / deleteWebhook. */
  configureWebhook(
    bot: BotRecord,
    webhook: BotRecord['webhook'],
    opts: { allowedUpdates?: string[]; dropPending?: boolean },
  ): void {
    bot.webhook = webhook;
    if (webhook) bot.lastError = null;
    if (opts.allowedUpdates !== undefined) bot.allowedUpdates = opts.allowedUpdates;
    if (opts.dropPending) bot.queue.clear();
    // A long poll still waiting now conflicts with the webhook.
    bot.poller?.supersede();
    this.kickWebhook(bot);
    this.checkIdle();
  }

  /** @internal getUpdates: confirms by offset, then long-polls up to `timeout` seconds. */
  async pollUpdates(
    bot: BotRecord,
    opts: { offset?: number; limit: number; timeout: number; allowedUpdates?: string[] },
    signal?: AbortSignal,
  ): Promise<Update[]> {
    if (bot.webhook) {
      throw new TelegramApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    if (opts.allowedUpdates !== undefined) bot.allowedUpdates = opts.allowedUpdates;
    if (opts.offset !== undefined && opts.offset > 0) bot.queue.confirmBelow(opts.offset);
    else if (opts.offset !== undefined && opts.offset < 0) bot.queue.keepLast(-opts.offset);
    this.checkIdle();
    bot.poller?.supersede();
    if (bot.queue.length === 0 && opts.timeout > 0 && !this.disposed) {
      await new Promise<void>((resolve, reject) => {
        const cleanup = (): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          if (bot.poller === poller) bot.poller = null;
        };
        const done = (): void => {
          cleanup();
          resolve();
        };
        const poller = {
          wake: done,
          supersede: (): void => {
            cleanup();
            reject(
              new TelegramApiError(
                409,
                'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
              ),
            );
          },
        };
        const timer = setTimeout(done, opts.timeout * 1000);
        signal?.addEventListener('abort', done);
        bot.poller = poller;
      });
    }
    return bot.queue.take(opts.limit);
  }

  // ---------------------------------------------------------------- private helpers

  private scenario<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof TelegramApiError) throw new ScenarioError(e.description.replace(/^Bad Request: /, ''));
      throw e;
    }
  }

  private claimUsername(username: string): void {
    if (!USERNAME.test(username)) throw new ScenarioError(`invalid username: ${username}`);
    const key = username.toLowerCase();
    if (this.usernames.has(key)) throw new ScenarioError(`username already taken: ${username}`);
    this.usernames.add(key);
  }

  private user(ref: Ref): User {
    const user = this.users.get(idOf(ref));
    if (!user) throw new ScenarioError(`unknown user ${idOf(ref)}`);
    return user;
  }

  private bot(ref: Ref): BotRecord {
    const bot = this.bots.get(idOf(ref));
    if (!bot) throw new ScenarioError(`unknown bot ${idOf(ref)}`);
    return bot;
  }

  private chat(ref: Ref): ChatRecord {
    const chat = this.chats.get(idOf(ref));
    if (!chat) throw new ScenarioError(`unknown chat ${idOf(ref)}`);
    return chat;
  }

  private dialog(botId: number, userId: number): Dialog {
    const key = `${botId}:${userId}`;
    let dialog = this.dialogs.get(key);
    if (!dialog) {
      dialog = { started: false, blocked: false, nextMessageId: 1 };
      this.dialogs.set(key, dialog);
    }
    return dialog;
  }

  /** The acting admin: `by` (must be the owner or an administrator), else the owner. */
  private requireChatAdmin(chat: ChatRecord, by: Ref | undefined): User {
    if (by === undefined) return this.user(chat.creatorId);
    const user = this.user(by);
    const status = this.member(chat, user.id).status;
    if (status !== 'creator' && status !== 'administrator') {
      throw new ScenarioError(`${user.id} is not an administrator of ${chat.chat.id}`);
    }
    return user;
  }

  private adminBots(chat: ChatRecord): BotRecord[] {
    const out: BotRecord[] = [];
    for (const [userId, member] of chat.members) {
      if (member.status !== 'administrator') continue;
      const bot = this.bots.get(userId);
      if (bot) out.push(bot);
    }
    return out;
  }

  private assertCanJoin(chat: ChatRecord, userId: number): void {
    const status = this.member(chat, userId).status;
    if (isMemberStatus(status)) throw new ScenarioError('user is already a member');
    if (status === 'kicked') throw new ScenarioError('user is banned in this chat');
  }

  private usableLink(chat: ChatRecord, ref: LinkRef): LinkRecord {
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

  /**
   * Applies a membership change and tells every bot concerned: the member itself if it is a bot
   * (my_chat_member), and the chat's administrator bots (chat_member).
   */
  private changeMember(
    chat: ChatRecord,
    userId: number,
    next: MemberRecord,
    ctx: { from: User; link?: LinkRecord; viaJoinRequest?: boolean },
  ): Emitted[] {
    const oldMember = this.renderMember(chat, userId);
    chat.members.set(userId, next);
    const newMember = this.renderMember(chat, userId);
    const date = this.now();
    const build = (bot: BotRecord): ChatMemberUpdated => {
      const payload: ChatMemberUpdated = {
        chat: { ...chat.chat },
        from: { ...ctx.from },
        date,
        old_chat_member: oldMember,
        new_chat_member: newMember,
      };
      if (ctx.link) payload.invite_link = this.renderLink(ctx.link, bot.user.id);
      if (ctx.viaJoinRequest) payload.via_join_request = true;
      return payload;
    };
    const subject = this.bots.get(userId);
    const out: Emitted[] = [];
    if (subject) out.push(...this.emit([subject], 'my_chat_member', build));
    out.push(
      ...this.emit(
        this.adminBots(chat).filter((b) => b !== subject),
        'chat_member',
        build,
      ),
    );
    return out;
  }

  private emitPrivateStatus(
    bot: BotRecord,
    user: User,
    from: 'member' | 'kicked',
    to: 'member' | 'kicked',
  ): Emitted[] {
    const member = (status: 'member' | 'kicked'): ChatMember =>
      status === 'member'
        ? { status, user: { ...bot.user } }
        : { status, user: { ...bot.user }, until_date: 0 };
    return this.emit([bot], 'my_chat_member', () => ({
      chat: this.privateChat(user),
      from: { ...user },
      date: this.now(),
      old_chat_member: member(from),
      new_chat_member: member(to),
    }));
  }

  private wants(bot: BotRecord, type: string): boolean {
    const allowed = bot.allowedUpdates;
    if (!allowed || allowed.length === 0) return !OPT_IN_UPDATE_TYPES.includes(type);
    return allowed.includes(type);
  }

  private emit(recipients: BotRecord[], type: string, build: (bot: BotRecord) => unknown): Emitted[] {
    const out: Emitted[] = [];
    for (const bot of recipients) {
      if (!this.wants(bot, type)) continue;
      const update = this.enqueueUpdate(bot, { update_id: bot.nextUpdateId++, [type]: build(bot) } as Update);
      out.push({ bot_id: bot.user.id, update });
    }
    return out;
  }

  private enqueueUpdate(bot: BotRecord, update: Update): Update {
    bot.queue.push(update);
    if (this.opts.recordHistory) bot.history.push(update);
    bot.poller?.wake();
    this.kickWebhook(bot);
    return update;
  }

  private takeFault(bot: BotRecord, method: string): TelegramApiError | undefined {
    const index = this.faults.findIndex(
      (f) =>
        f.method.toLowerCase() === method.toLowerCase() &&
        (f.bot === undefined || idOf(f.bot) === bot.user.id),
    );
    const fault = this.faults[index];
    if (!fault) return undefined;
    if (--fault.remaining <= 0) this.faults.splice(index, 1);
    return new TelegramApiError(
      fault.error_code,
      fault.description,
      fault.retry_after !== undefined ? { retry_after: fault.retry_after } : undefined,
    );
  }

  private checkIdle(): void {
    if (this.idleWaiters.size === 0 || !this.isIdle()) return;
    for (const waiter of [...this.idleWaiters]) waiter();
  }

  // ---------------------------------------------------------------- webhook delivery

  private kickWebhook(bot: BotRecord): void {
    if (bot.webhook && !bot.delivering && bot.queue.length > 0 && !this.disposed) void this.deliver(bot);
  }

  /** One update at a time per bot, in order; failures are retried with backoff, never dropped. */
  private async deliver(bot: BotRecord): Promise<void> {
    bot.delivering = true;
    let backoff = this.opts.webhookRetryMs;
    try {
      while (!this.disposed && bot.webhook && bot.queue.length > 0) {
        const update = bot.queue.peek() as Update;
        const hook = bot.webhook;
        let record = bot.currentDelivery;
        if (!record || record.update_id !== update.update_id) {
          record = {
            bot_id: bot.user.id,
            update_id: update.update_id,
            url: hook.url,
            attempts: 0,
            status: 0,
            statuses: [],
            delivered: false,
          };
          bot.currentDelivery = record;
          this.deliveryLog.push(record);
        }
        record.url = hook.url;
        record.attempts++;
        const outcome = await this.post(hook, update);
        record.status = outcome.status;
        record.statuses.push(outcome.status);
        if (outcome.status >= 200 && outcome.status < 300) {
          record.delivered = true;
          delete record.error;
          bot.currentDelivery = null;
          if (bot.queue.peek() === update) bot.queue.shift();
          backoff = this.opts.webhookRetryMs;
          await this.applyWebhookReply(bot, outcome.body, outcome.contentType);
          this.checkIdle();
        } else {
          record.error =
            outcome.error ?? `Wrong response from the webhook: ${outcome.status} ${outcome.statusText}`;
          bot.lastError = { date: this.now(), message: record.error };
          await this.sleep(backoff);
          backoff = Math.min(backoff * 2, this.opts.webhookMaxRetryMs);
        }
      }
    } finally {
      bot.delivering = false;
    }
    this.kickWebhook(bot);
  }

  private async post(
    hook: NonNullable<BotRecord['webhook']>,
    update: Update,
  ): Promise<{ status: number; statusText: string; body: string; contentType: string; error?: string }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (hook.secretToken) headers['x-telegram-bot-api-secret-token'] = hook.secretToken;
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(update),
        signal: AbortSignal.timeout(this.opts.webhookTimeoutMs),
      });
      const body = await res.text();
      return {
        status: res.status,
        statusText: res.statusText,
        body,
        contentType: res.headers.get('content-type') ?? '',
      };
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      return {
        status: 0,
        statusText: '',
        body: '',
        contentType: '',
        error: cause ?? (e instanceof Error ? e.message : String(e)),
      };
    }
  }

  /** Telegram executes a Bot API call returned as the webhook response body (telegraf's webhookReply). */
  private async applyWebhookReply(bot: BotRecord, body: string, contentType: string): Promise<void> {
    if (!body || !contentType.includes('application/json')) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return;
    }
    if (!parsed || typeof parsed !== 'object') return;
    const { method, ...params } = parsed as Record<string, unknown>;
    if (typeof method !== 'string') return;
    await this.callMethod(bot.token, method, params).catch(() => undefined);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const sleeper = {
        timer: setTimeout(() => {
          this.sleepers.delete(sleeper);
          resolve();
        }, ms),
        resolve,
      };
      this.sleepers.add(sleeper);
    });
  }
}
