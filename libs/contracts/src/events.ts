/**
 * Domain events. Every event carries a deterministic id (derived from the Telegram update it came
 * from, so a redelivered update produces the same ids), a schema version, the subscriber as
 * partition key, and the update id and time it came from. Time is Telegram's `date`, never the
 * clock of the process, so a replay yields the same answers.
 */

export const EVENT_VERSION = 1 as const;

/** Topics of the event log. */
export const Topics = {
  /** Normalized Telegram activity, produced by ingest. */
  telegram: 'telegram-events',
  /** Lead status changes and journal rows, produced by lead-projection. */
  leads: 'lead-events',
} as const;
export type Topic = (typeof Topics)[keyof typeof Topics];

/** Consumer groups: every instance of a projection service shares its group's partitions. */
export const ConsumerGroups = {
  /** Reads `telegram-events`; writes leads and the journal, emits `lead-events`. */
  leadProjection: 'lead-projection',
  /** Reads `lead-events`; writes the daily rollups. */
  stats: 'stats',
} as const;

export interface Subscriber {
  id: number;
  /** Telegram username without "@", "" when the user has none. */
  username: string;
}

export interface ChatInfo {
  id: number;
  title: string;
  type: string;
  username: string;
}

export interface EventMeta {
  id: string;
  version: typeof EVENT_VERSION;
  /** Partition key: the subscriber id (the chat id for bot membership events). */
  key: string;
  account: number;
  bot: number;
  updateId: number;
  /** Unix seconds. */
  time: number;
  /**
   * On events derived from another event: where the cause sits in its log (partition, and
   * `seq * 16 + n` for the n-th event derived from it). Consumers skip anything at or below what they
   * have applied, which drops the duplicates an at-least-once producer may write after a crash.
   */
  source?: EventSource;
}

export interface EventSource {
  partition: number;
  order: number;
}

type Event<T extends string, D> = EventMeta & { type: T; data: D };

export type SubscriberStarted = Event<
  'SubscriberStarted',
  { campaign: number; chat: number; subscriber: Subscriber; click: string; inviteLink: string }
>;
export type JoinRequested = Event<
  'JoinRequested',
  { chat: number; subscriber: Subscriber; inviteLink: string }
>;
export type MemberJoined = Event<
  'MemberJoined',
  { chat: number; subscriber: Subscriber; inviteLink: string }
>;
export type JoinRequestApproved = Event<
  'JoinRequestApproved',
  { chat: number; subscriber: Subscriber; inviteLink: string }
>;
/**
 * `foundBy: 'recheck'` marks a leave or ban Telegram never sent an update for, found by asking it
 * (getChatMember); it is applied exactly like one that came as an update, as long as the lead it
 * was asked about (`asOf`: its id and the seq it stood at) has not moved since. An update that
 * arrived meanwhile is the better witness: a leave it announced, or a rejoin after it, makes the
 * finding stale, and a stale one is dropped whole (no journal row, no transition).
 */
export interface RecheckFinding {
  foundBy?: 'recheck';
  asOf?: { lead: number; seq: number };
}
export type MemberLeft = Event<'MemberLeft', { chat: number; subscriber: Subscriber } & RecheckFinding>;
export type MemberBanned = Event<
  'MemberBanned',
  { chat: number; subscriber: Subscriber; by: number } & RecheckFinding
>;
/**
 * The personal invite link of a lead was made after its `SubscriberStarted` was logged (the welcome
 * outbox makes it). Same key, bot and update as that start, so it follows it in the log and a join
 * through the link is matched to the lead.
 */
export type InviteLinkCreated = Event<
  'InviteLinkCreated',
  { campaign: number; chat: number; subscriber: number; inviteLink: string }
>;
export type BotAddedToChat = Event<'BotAddedToChat', { chat: ChatInfo; admin: boolean }>;
export type BotRemovedFromChat = Event<'BotRemovedFromChat', { chat: ChatInfo }>;

export type TelegramEvent =
  | SubscriberStarted
  | InviteLinkCreated
  | JoinRequested
  | MemberJoined
  | JoinRequestApproved
  | MemberLeft
  | MemberBanned
  | BotAddedToChat
  | BotRemovedFromChat;

/** Chat membership events: the ones that become journal rows. */
export type MembershipEvent = JoinRequested | MemberJoined | JoinRequestApproved | MemberLeft | MemberBanned;

export const LeadStatus = { wait: 0, hold: 1, approve: 2, cancel: 3, trash: 4 } as const;
export type LeadStatus = (typeof LeadStatus)[keyof typeof LeadStatus];
export const LEAD_STATUS_NAMES = ['wait', 'hold', 'approve', 'cancel', 'trash'] as const;
export type LeadStatusName = (typeof LEAD_STATUS_NAMES)[number];

export const JOURNAL_ACTIONS = ['request', 'approve', 'join', 'leave', 'ban'] as const;
export type JournalAction = (typeof JOURNAL_ACTIONS)[number];

/** A lead entered a status (or was created in wait, or had its click replaced while in wait/hold). */
export type LeadStatusChanged = Event<
  'LeadStatusChanged',
  {
    lead: number;
    campaign: number;
    chat: number;
    subscriber: Subscriber;
    click: string;
    from: LeadStatus | null;
    to: LeadStatus;
    /** True when the lead entered `to` for the first time: what statistics count. */
    first: boolean;
    /** Unix seconds of the lead's first approve, 0 before. */
    joinTime: number;
  }
>;

/** A wait/hold lead's click was replaced by a newer ad click. */
export type LeadClickReplaced = Event<
  'LeadClickReplaced',
  { lead: number; campaign: number; chat: number; subscriber: Subscriber; click: string; status: LeadStatus }
>;

export type JournalRecorded = Event<
  'JournalRecorded',
  { entry: number; chat: number; subscriber: Subscriber; action: JournalAction; paid: 0 | 1 }
>;

export type LeadEvent = LeadStatusChanged | LeadClickReplaced | JournalRecorded;

export type DomainEvent = TelegramEvent | LeadEvent;
