/**
 * Builders of realistic events and entities for tests. Every builder takes overrides for the fields a
 * test cares about and fills the rest with plausible values; event ids are unique across the process,
 * so several tests can share one log (a Kafka topic) without their events colliding.
 */
import { randomUUID } from 'node:crypto';
import {
  EVENT_VERSION,
  LeadStatus,
  type BotAddedToChat,
  type BotRemovedFromChat,
  type ChatInfo,
  type DomainEvent,
  type EventMeta,
  type JoinRequestApproved,
  type JoinRequested,
  type JournalRecorded,
  type LeadClickReplaced,
  type LeadStatusChanged,
  type MemberBanned,
  type MemberJoined,
  type MemberLeft,
  type Subscriber,
  type SubscriberStarted,
} from '@subtrack/contracts';
import type { LeadCounters, OrganicCounters } from '@subtrack/domain';
import { emptyLeadCounters, emptyOrganicCounters } from '@subtrack/domain';
import type {
  Account,
  Bot,
  BotChat,
  DeadLetter,
  JournalEntry,
  LoggedEvent,
  LeadTransition,
  NewCampaign,
  LeadUnitOfWork,
  NewPostback,
  NewWelcome,
  RollupIncrement,
  StoredLead,
} from '@subtrack/ports';

/** Plausible Telegram-shaped defaults: a bot id, a supergroup id (negative, beyond 32 bits), a time. */
export const sample = {
  account: 1,
  bot: 7_012_345_678,
  chat: -1_001_234_567_890,
  campaign: 1,
  subscriber: 5_123_456_789,
  /** 2025-01-15T10:00:00Z, Unix seconds. */
  time: 1_736_935_200,
} as const;

const runToken = randomUUID().slice(0, 8);
let counter = 0;

/** A string unique within this process run and across runs: `label-<run>-<n>`. */
export const uniqueId = (label = 'id'): string => `${label}-${runToken}-${++counter}`;
/** An integer unique within this process run (update ids, codes). */
export const uniqueInt = (): number => ++counter;

export const subscriber = (id: number = sample.subscriber, username = `user${id}`): Subscriber => ({
  id,
  username,
});

export const chatInfo = (overrides: Partial<ChatInfo> = {}): ChatInfo => ({
  id: sample.chat,
  title: 'Signals VIP',
  type: 'supergroup',
  username: '',
  ...overrides,
});

/** Overrides of an event: any meta field, and any field of its data. */
export type EventOverrides<E extends DomainEvent> = Partial<EventMeta> & { data?: Partial<E['data']> };

function event<E extends DomainEvent>(
  type: E['type'],
  key: string,
  data: E['data'],
  overrides: EventOverrides<E>,
): E {
  const { data: _data, ...meta } = overrides;
  const updateId = meta.updateId ?? uniqueInt();
  return {
    id: uniqueId(`${sample.bot}:${updateId}:${type}`),
    version: EVENT_VERSION,
    key,
    account: sample.account,
    bot: sample.bot,
    updateId,
    time: sample.time,
    ...meta,
    type,
    data,
  } as E;
}

/** Builds a membership-style event keyed by its subscriber. */
function keyedBySubscriber<E extends DomainEvent & { data: { subscriber: Subscriber } }>(
  type: E['type'],
  defaults: Omit<E['data'], 'subscriber'>,
  overrides: EventOverrides<E>,
): E {
  const data = { subscriber: subscriber(), ...defaults, ...overrides.data } as E['data'];
  return event<E>(type, String(data.subscriber.id), data, overrides);
}

export const subscriberStarted = (o: EventOverrides<SubscriberStarted> = {}): SubscriberStarted =>
  keyedBySubscriber<SubscriberStarted>(
    'SubscriberStarted',
    {
      campaign: sample.campaign,
      chat: sample.chat,
      click: 'fbclid-IwAR3x',
      inviteLink: 'https://t.me/+AbCdEf123',
    },
    o,
  );
export const joinRequested = (o: EventOverrides<JoinRequested> = {}): JoinRequested =>
  keyedBySubscriber<JoinRequested>(
    'JoinRequested',
    { chat: sample.chat, inviteLink: 'https://t.me/+AbCdEf123' },
    o,
  );
export const memberJoined = (o: EventOverrides<MemberJoined> = {}): MemberJoined =>
  keyedBySubscriber<MemberJoined>(
    'MemberJoined',
    { chat: sample.chat, inviteLink: 'https://t.me/+AbCdEf123' },
    o,
  );
export const joinRequestApproved = (o: EventOverrides<JoinRequestApproved> = {}): JoinRequestApproved =>
  keyedBySubscriber<JoinRequestApproved>('JoinRequestApproved', { chat: sample.chat, inviteLink: '' }, o);
export const memberLeft = (o: EventOverrides<MemberLeft> = {}): MemberLeft =>
  keyedBySubscriber<MemberLeft>('MemberLeft', { chat: sample.chat }, o);
export const memberBanned = (o: EventOverrides<MemberBanned> = {}): MemberBanned =>
  keyedBySubscriber<MemberBanned>('MemberBanned', { chat: sample.chat, by: 6_000_000_001 }, o);

export const leadStatusChanged = (o: EventOverrides<LeadStatusChanged> = {}): LeadStatusChanged =>
  keyedBySubscriber<LeadStatusChanged>(
    'LeadStatusChanged',
    {
      lead: 101,
      campaign: sample.campaign,
      chat: sample.chat,
      click: 'fbclid-IwAR3x',
      from: LeadStatus.wait,
      to: LeadStatus.approve,
      first: true,
      joinTime: sample.time,
    },
    { source: { partition: 0, order: 101 * 16 }, ...o },
  );
export const leadClickReplaced = (o: EventOverrides<LeadClickReplaced> = {}): LeadClickReplaced =>
  keyedBySubscriber<LeadClickReplaced>(
    'LeadClickReplaced',
    {
      lead: 101,
      campaign: sample.campaign,
      chat: sample.chat,
      click: 'gclid-Cj0KCQ',
      status: LeadStatus.hold,
    },
    { source: { partition: 0, order: 102 * 16 }, ...o },
  );
export const journalRecorded = (o: EventOverrides<JournalRecorded> = {}): JournalRecorded =>
  keyedBySubscriber<JournalRecorded>(
    'JournalRecorded',
    { entry: 103, chat: sample.chat, action: 'join', paid: 1 },
    { source: { partition: 0, order: 103 * 16 + 1 }, ...o },
  );

/** Bot membership events are keyed by the chat. */
export const botAddedToChat = (o: EventOverrides<BotAddedToChat> = {}): BotAddedToChat => {
  const data = { chat: chatInfo(), admin: true, ...o.data };
  return event<BotAddedToChat>('BotAddedToChat', String(data.chat.id), data, o);
};
export const botRemovedFromChat = (o: EventOverrides<BotRemovedFromChat> = {}): BotRemovedFromChat => {
  const data = { chat: chatInfo(), ...o.data };
  return event<BotRemovedFromChat>('BotRemovedFromChat', String(data.chat.id), data, o);
};

// --- Entities -------------------------------------------------------------------------------------

export const newAccount = (o: Partial<Omit<Account, 'id'>> = {}): Omit<Account, 'id'> => ({
  name: 'Acme Media',
  timezone: 'Europe/Berlin',
  keyHash: 'a3f1c0de9b8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a392817065f4e',
  postbacks: { approve: 'https://tracker.example/pb?click={click}&status=approve' },
  created: sample.time,
  ...o,
});

export const bot = (o: Partial<Bot> = {}): Bot => ({
  id: sample.bot,
  account: sample.account,
  username: 'acme_signals_bot',
  token: `${o.id ?? sample.bot}:AAH-fake-token-${uniqueInt()}`,
  secret: `secret-${uniqueInt()}`,
  created: sample.time,
  status: 'ok',
  ...o,
});

export const botChat = (o: Partial<BotChat> = {}): BotChat => ({
  bot: sample.bot,
  id: sample.chat,
  account: sample.account,
  title: 'Signals VIP',
  type: 'supergroup',
  username: '',
  admin: true,
  active: true,
  seq: 1,
  ...o,
});

/** A campaign to create; its code is unique unless overridden. */
export const newCampaign = (o: Partial<NewCampaign> = {}): NewCampaign => ({
  account: sample.account,
  name: 'Spring promo',
  code: `promo${uniqueInt()}`,
  bot: sample.bot,
  chat: sample.chat,
  joinMode: 'request',
  welcome: 'Welcome! Tap the link to join.',
  postbacks: null,
  method: 'GET',
  body: '',
  unsubWindow: 0,
  isDefault: false,
  created: sample.time,
  ...o,
});

export const deadLetter = (o: Partial<DeadLetter> = {}): DeadLetter => ({
  bot: sample.bot,
  updateId: uniqueInt(),
  payload: '{"update_id":1,"weird":true}',
  error: 'MalformedUpdateError: no message',
  time: sample.time,
  ...o,
});

/** A stored lead; `id` and `seq` default to the same event seq, as the projection does. */
export const storedLead = (o: Partial<StoredLead> & { id: number }): StoredLead => ({
  account: sample.account,
  campaign: sample.campaign,
  chat: sample.chat,
  bot: sample.bot,
  subscriber: sample.subscriber,
  username: 'user',
  click: 'fbclid-IwAR3x',
  inviteLink: 'https://t.me/+AbCdEf123',
  status: LeadStatus.wait,
  startTime: sample.time,
  joinTime: 0,
  updated: o.startTime ?? sample.time,
  reached: 1 << (o.status ?? LeadStatus.wait),
  seq: o.id,
  ...o,
});

export const journalEntry = (o: Partial<JournalEntry> & { id: number }): JournalEntry => ({
  account: sample.account,
  bot: sample.bot,
  chat: sample.chat,
  subscriber: sample.subscriber,
  username: 'user',
  action: 'join',
  paid: 0,
  time: sample.time,
  ...o,
});

export const leadTransition = (
  o: Partial<LeadTransition> & { lead: number; to: LeadTransition['to'] },
): LeadTransition => ({
  id: `${uniqueInt()}:0`,
  startTime: sample.time,
  account: sample.account,
  campaign: sample.campaign,
  chat: sample.chat,
  from: null,
  first: true,
  time: sample.time,
  ...o,
});

/** A postback for one status change; `id` is unique unless given (it is the change's event id). */
export const newPostback = (o: Partial<NewPostback> = {}): NewPostback => ({
  id: uniqueId('pb'),
  account: sample.account,
  campaign: sample.campaign,
  lead: 100,
  status: 'approve',
  url: 'https://tracker.example/postback?click=fbclid-IwAR3x&status=approve',
  method: 'GET',
  body: '',
  created: sample.time,
  ...o,
});

/** A unit of work holding only what a test gives it. */
export const unitOfWork = (w: Partial<LeadUnitOfWork> = {}): LeadUnitOfWork => ({
  leads: [],
  journal: [],
  transitions: [],
  postbacks: [],
  welcomes: [],
  ...w,
});

export const newWelcome = (o: Partial<NewWelcome> = {}): NewWelcome => ({
  id: uniqueId('start'),
  account: sample.account,
  bot: sample.bot,
  campaign: sample.campaign,
  chat: sample.chat,
  lead: 100,
  subscriber: sample.subscriber,
  updateId: 812_345_001,
  created: sample.time,
  inviteLink: '',
  joinRequest: true,
  text: 'Welcome! Tap the button below to join.',
  ...o,
});

export const leadCounters = (o: Partial<LeadCounters> = {}): LeadCounters => ({
  ...emptyLeadCounters(),
  ...o,
});
export const organicCounters = (o: Partial<OrganicCounters> = {}): OrganicCounters => ({
  ...emptyOrganicCounters(),
  ...o,
});

type LeadIncrement = Extract<RollupIncrement, { kind: 'lead' }>;
type OrganicIncrement = Extract<RollupIncrement, { kind: 'organic' }>;

/** One lead counter increment, counted once per (partition, order). */
export const leadIncrement = (
  o: Partial<LeadIncrement> & Pick<LeadIncrement, 'order' | 'counter'>,
): LeadIncrement => ({
  kind: 'lead',
  partition: 0,
  account: sample.account,
  campaign: sample.campaign,
  day: '2025-01-15',
  ...o,
});

/** One organic counter increment, counted once per (partition, order). */
export const organicIncrement = (
  o: Partial<OrganicIncrement> & Pick<OrganicIncrement, 'order' | 'counter'>,
): OrganicIncrement => ({
  kind: 'organic',
  partition: 0,
  account: sample.account,
  chat: sample.chat,
  day: '2025-01-15',
  ...o,
});

/** Events at consecutive log positions from `first` (partition 0), as a consumer is handed them. */
export const atPositions = <E extends DomainEvent>(events: readonly E[], first = 100): LoggedEvent<E>[] =>
  events.map((event, i) => ({ partition: 0, seq: first + i, event }));
