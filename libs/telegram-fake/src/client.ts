import type { FakeControl } from './control';
import type { NetworkConditions, NetworkState } from './conditions';
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
import type { TrafficOptions, TrafficResult } from './traffic';
import type { AdminRights, Chat, ChatInviteLink, Message, Update, User } from './types';

const id = (ref: Ref | undefined): number | undefined =>
  ref === undefined ? undefined : typeof ref === 'number' ? ref : ref.id;
const link = (ref: LinkRef | undefined): string | undefined =>
  ref === undefined ? undefined : typeof ref === 'string' ? ref : ref.invite_link;

export class FakeControlError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'FakeControlError';
  }
}

/** Drives a fake running in another process through its /_fake control endpoints. */
/** The longest one idle request waits on the server. */
const IDLE_WAIT_MS = 60_000;

export class FakeTelegramClient implements FakeControl {
  private readonly base: string;

  constructor(baseUrl: string) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  private async request<T>(
    method: 'GET' | 'POST',
    name: string,
    body: Record<string, unknown> = {},
  ): Promise<T> {
    const clean = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
    let url = `${this.base}/_fake/${name}`;
    const init: RequestInit = { method };
    if (method === 'GET') {
      const query = new URLSearchParams(
        Object.entries(clean).map(([k, v]): [string, string] => [k, String(v)]),
      );
      if ([...query].length > 0) url += `?${query.toString()}`;
    } else {
      init.headers = { 'content-type': 'application/json' };
      init.body = JSON.stringify(clean);
    }
    const res = await fetch(url, init);
    const text = await res.text();
    let parsed: { ok?: boolean; result?: unknown; error?: string };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new FakeControlError(
        `${method} /_fake/${name}: HTTP ${res.status} ${text.slice(0, 200)}`,
        res.status,
      );
    }
    if (!res.ok || !parsed.ok) {
      throw new FakeControlError(
        `${method} /_fake/${name}: ${parsed.error ?? `HTTP ${res.status}`}`,
        res.status,
      );
    }
    return parsed.result as T;
  }

  private post<T>(name: string, body: Record<string, unknown> = {}): Promise<T> {
    return this.request<T>('POST', name, body);
  }

  private get<T>(name: string, query: Record<string, unknown> = {}): Promise<T> {
    return this.request<T>('GET', name, query);
  }

  health(): Promise<{ now: number }> {
    return this.get('health');
  }
  createBot(opts: { username: string; first_name?: string }): Promise<CreatedBot> {
    return this.post('createBot', opts);
  }
  createUser(opts: NewUser): Promise<User> {
    return this.post('createUser', opts);
  }
  createChat(opts: NewChat): Promise<Chat> {
    return this.post('createChat', {
      title: opts.title,
      type: opts.type,
      username: opts.username,
      creator_id: id(opts.creator),
    });
  }
  addBotToChat(
    bot: Ref,
    chat: Ref,
    opts: { admin?: boolean; by?: Ref; rights?: Partial<AdminRights> } = {},
  ): Promise<Emitted[]> {
    return this.post('addBotToChat', {
      bot_id: id(bot),
      chat_id: id(chat),
      admin: opts.admin,
      by_id: id(opts.by),
      rights: opts.rights,
    });
  }
  removeBotFromChat(
    bot: Ref,
    chat: Ref,
    by?: Ref,
    opts: { status?: 'left' | 'kicked' } = {},
  ): Promise<Emitted[]> {
    return this.post('removeBotFromChat', {
      bot_id: id(bot),
      chat_id: id(chat),
      by_id: id(by),
      status: opts.status,
    });
  }
  createInviteLink(chat: Ref, creator: Ref, opts: InviteLinkOptions = {}): Promise<ChatInviteLink> {
    return this.post('createInviteLink', { chat_id: id(chat), creator_id: id(creator), ...opts });
  }
  userStartsBot(user: Ref, bot: Ref, payload?: string): Promise<Message> {
    return this.post('userStartsBot', { user_id: id(user), bot_id: id(bot), payload });
  }
  userBlocksBot(user: Ref, bot: Ref): Promise<Emitted[]> {
    return this.post('userBlocksBot', { user_id: id(user), bot_id: id(bot) });
  }
  userRequestsJoin(user: Ref, chat: Ref, inviteLink?: LinkRef): Promise<Emitted[]> {
    return this.post('userRequestsJoin', {
      user_id: id(user),
      chat_id: id(chat),
      invite_link: link(inviteLink),
    });
  }
  adminApprovesJoin(chat: Ref, user: Ref, by?: Ref): Promise<Emitted[]> {
    return this.post('adminApprovesJoin', { chat_id: id(chat), user_id: id(user), by_id: id(by) });
  }
  adminDeclinesJoin(chat: Ref, user: Ref, by?: Ref): Promise<Emitted[]> {
    return this.post('adminDeclinesJoin', { chat_id: id(chat), user_id: id(user), by_id: id(by) });
  }
  userJoins(user: Ref, chat: Ref, inviteLink?: LinkRef): Promise<Emitted[]> {
    return this.post('userJoins', { user_id: id(user), chat_id: id(chat), invite_link: link(inviteLink) });
  }
  userLeaves(user: Ref, chat: Ref, opts: { unannounced?: boolean } = {}): Promise<Emitted[]> {
    return this.post('userLeaves', { user_id: id(user), chat_id: id(chat), ...opts });
  }
  adminBans(chat: Ref, user: Ref, by?: Ref, opts: { untilDate?: number } = {}): Promise<Emitted[]> {
    return this.post('adminBans', {
      chat_id: id(chat),
      user_id: id(user),
      by_id: id(by),
      until_date: opts.untilDate,
    });
  }
  adminKicks(chat: Ref, user: Ref, by?: Ref): Promise<Emitted[]> {
    return this.post('adminKicks', { chat_id: id(chat), user_id: id(user), by_id: id(by) });
  }
  adminUnbans(chat: Ref, user: Ref, by?: Ref): Promise<Emitted[]> {
    return this.post('adminUnbans', { chat_id: id(chat), user_id: id(user), by_id: id(by) });
  }
  pushUpdate(bot: Ref, update: Record<string, unknown>): Promise<Update> {
    return this.post('pushUpdate', { bot_id: id(bot), update });
  }
  generateTraffic(opts: TrafficOptions): Promise<TrafficResult> {
    return this.post('generateTraffic', {
      bot_id: id(opts.bot),
      chat_id: id(opts.chat),
      subscribers: opts.subscribers,
      organic: opts.organic,
      campaign_code: opts.campaignCode,
      join_mode: opts.joinMode,
      join_rate: opts.joinRate,
      approve_rate: opts.approveRate,
      leave_rate: opts.leaveRate,
      ban_rate: opts.banRate,
      seed: opts.seed,
      step_seconds: opts.stepSeconds,
    });
  }
  failNext(fault: FaultSpec): Promise<void> {
    const { bot, ...rest } = fault;
    return this.post('failNext', { ...rest, bot_id: id(bot) });
  }
  configureNetwork(conditions: NetworkConditions): Promise<NetworkState> {
    const latency = conditions.latencyMs;
    return this.post('configureNetwork', {
      ...(latency === undefined
        ? {}
        : typeof latency === 'number'
          ? { latency_ms: latency }
          : { latency_ms: latency[0], latency_max_ms: latency[1] }),
      ...(conditions.floodLimitPerSecond === undefined
        ? {}
        : { flood_limit_per_second: conditions.floodLimitPerSecond }),
    });
  }
  messagesSentTo(target: Ref): Promise<Message[]> {
    return this.get('messages', { chat_id: id(target) });
  }
  updatesFor(bot: Ref): Promise<Update[]> {
    return this.get('updates', { bot_id: id(bot) });
  }
  deliveries(bot?: Ref): Promise<DeliveryRecord[]> {
    return this.get('deliveries', { bot_id: id(bot) });
  }
  apiCalls(bot?: Ref): Promise<ApiCallRecord[]> {
    return this.get('calls', { bot_id: id(bot) });
  }
  state(): Promise<Record<string, unknown>> {
    return this.get('state');
  }
  /**
   * Until the fake has nothing left to deliver. A long wait is asked for a minute at a time: one
   * HTTP request held open for longer would meet the client's own header timeout (five minutes in
   * Node's fetch) on a loaded machine, long before the caller's deadline.
   */
  async idle(opts: { timeoutMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
    for (;;) {
      const left = Math.max(1, deadline - Date.now());
      try {
        await this.get('idle', { timeout_ms: Math.min(left, IDLE_WAIT_MS) });
        return;
      } catch (err) {
        if (!(err instanceof FakeControlError && err.status === 408) || Date.now() >= deadline) throw err;
      }
    }
  }
  async now(): Promise<number> {
    return (await this.get<{ now: number }>('time')).now;
  }
  async setTime(unixSeconds: number, opts: { ticking?: boolean } = {}): Promise<void> {
    await this.post('setTime', { time: unixSeconds, ticking: opts.ticking });
  }
  async advanceTime(seconds: number): Promise<void> {
    await this.post('advanceTime', { seconds });
  }
  async resetTime(): Promise<void> {
    await this.post('resetTime');
  }
}
