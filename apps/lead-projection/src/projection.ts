import {
  EVENT_VERSION,
  LEAD_STATUS_NAMES,
  type InviteLinkCreated,
  type JournalAction,
  type LeadStatusName,
  type LeadEvent,
  type MembershipEvent,
  type SubscriberStarted,
  type TelegramEvent,
} from '@subtrack/contracts';
import {
  DEFAULT_WELCOME,
  applyToLead,
  attributeLead,
  insideUnsubscribeWindow,
  isMembershipEvent,
  renderTemplate,
  templatesFor,
  movesLead,
  journalAction,
  type LeadChange,
  type LeadInput,
} from '@subtrack/domain';
import type {
  Account,
  BotChat,
  Campaign,
  NewPostback,
  NewWelcome,
  JournalEntry,
  LeadTransition,
  LeadUnitOfWork,
  LoggedEvent,
  StoredLead,
} from '@subtrack/ports';

const INPUT_BY_EVENT: Record<MembershipEvent['type'], Exclude<LeadInput['type'], 'started' | 'linked'>> = {
  JoinRequested: 'requested',
  JoinRequestApproved: 'joined',
  MemberJoined: 'joined',
  MemberLeft: 'left',
  MemberBanned: 'banned',
};

/** Derived events per source event stay below this, so `seq * 16 + n` orders them. */
const DERIVED_PER_EVENT = 16;

/** What one batch of Telegram events changes: the lead store's unit of work and what goes beside it. */
export interface Projection extends LeadUnitOfWork {
  /** Lead events for the stats service, with ids and positions derived from their source. */
  derived: LeadEvent[];
  /** Chat memberships of the bots, for the catalog. */
  chats: BotChat[];
}

export interface ProjectionInput {
  /** The stored leads of every subscriber the batch names (`subscribersOf`). */
  leads: readonly StoredLead[];
  batch: readonly LoggedEvent[];
  /** The campaigns of those leads and of the batch's starts (`campaignsOf`), with their accounts. */
  settings: PostbackSettings;
  /** Positions of events applied before at another position: each changes nothing. */
  copies?: ReadonlySet<number>;
}

/**
 * Projects a batch of Telegram activity into leads, their transitions, the journal, the outbox rows
 * and the lead events for the stats service: a pure function of the leads the batch touches, the
 * batch and the settings, so the service around it reads once, writes once, and it is tested
 * without a database.
 *
 * Idempotent under redelivery: a lead remembers the seq of the last event applied to it and skips
 * anything not newer; journal rows and transitions are keyed by the event; derived events carry
 * deterministic ids and their source position. Whether a subscriber is "paid" is decided by leads
 * started earlier in the log (lead id = seq of its start), never by what happened to be stored.
 */
export function project({ leads, batch, settings, copies }: ProjectionInput): Projection {
  const bySubscriber = new Map<number, StoredLead[]>();
  for (const lead of leads) {
    const list = bySubscriber.get(lead.subscriber);
    if (list) list.push(lead);
    else bySubscriber.set(lead.subscriber, [lead]);
  }
  const work = new BatchWork(settings);
  for (const logged of batch) {
    const { event } = logged;
    if (copies?.has(logged.seq)) continue;
    if (event.type === 'SubscriberStarted')
      started(logged as LoggedEvent<SubscriberStarted>, bySubscriber, work);
    else if (event.type === 'InviteLinkCreated')
      linked(logged as LoggedEvent<InviteLinkCreated>, bySubscriber, work);
    else if (isMembershipEvent(event)) membership(logged as LoggedEvent<MembershipEvent>, bySubscriber, work);
    else if (event.type === 'BotAddedToChat' || event.type === 'BotRemovedFromChat') {
      const { chat } = event.data;
      work.chats.push({
        bot: event.bot,
        id: chat.id,
        account: event.account,
        title: chat.title,
        type: chat.type,
        username: chat.username,
        admin: event.type === 'BotAddedToChat' && event.data.admin,
        active: event.type === 'BotAddedToChat',
        seq: logged.seq,
      });
    }
  }
  return {
    leads: [...work.leads.values()],
    journal: work.journal,
    transitions: work.transitions,
    postbacks: work.postbacks,
    welcomes: work.welcomes,
    derived: work.derived,
    chats: work.chats,
  };
}

/** The subscribers a batch names: their stored leads are the projection's input. */
export function subscribersOf(batch: readonly LoggedEvent[]): number[] {
  const subscribers = new Set<number>();
  for (const { event } of batch) {
    if (event.type === 'SubscriberStarted' || isMembershipEvent(event))
      subscribers.add(event.data.subscriber.id);
    else if (event.type === 'InviteLinkCreated') subscribers.add(event.data.subscriber);
  }
  return [...subscribers];
}

/** The campaigns whose settings a batch may need: its leads' and its starts'. */
export function campaignsOf(batch: readonly LoggedEvent[], leads: readonly StoredLead[]): number[] {
  const ids = new Set<number>();
  for (const l of leads) ids.add(l.campaign);
  for (const { event } of batch) if (event.type === 'SubscriberStarted') ids.add(event.data.campaign);
  return [...ids];
}

function started(
  logged: LoggedEvent<SubscriberStarted>,
  bySubscriber: Map<number, StoredLead[]>,
  work: BatchWork,
): void {
  const { event, seq } = logged;
  const { subscriber, campaign } = event.data;
  const leads = bySubscriber.get(subscriber.id) ?? [];
  const current = leads.find((l) => l.campaign === campaign) ?? null;
  if (current && current.seq >= seq) return;
  const { lead, changes } = applyToLead(current, {
    type: 'started',
    time: event.time,
    id: seq,
    account: event.account,
    campaign,
    chat: event.data.chat,
    bot: event.bot,
    subscriber: subscriber.id,
    username: subscriber.username,
    click: event.data.click,
    inviteLink: event.data.inviteLink,
  });
  if (!lead) return;
  const stored: StoredLead = { ...lead, seq };
  if (!current) leads.push(stored);
  else leads[leads.indexOf(current)] = stored;
  bySubscriber.set(subscriber.id, leads);
  work.record(logged, stored, changes);
  work.welcome(logged, stored);
}

/** A link made after the start was logged becomes the lead's, so joins through it are matched. */
function linked(
  logged: LoggedEvent<InviteLinkCreated>,
  bySubscriber: Map<number, StoredLead[]>,
  work: BatchWork,
): void {
  const { event, seq } = logged;
  const leads = bySubscriber.get(event.data.subscriber) ?? [];
  const i = leads.findIndex((l) => l.campaign === event.data.campaign);
  const current = leads[i];
  if (!current || current.seq >= seq) return;
  const { lead, changes } = applyToLead(current, { type: 'linked', inviteLink: event.data.inviteLink });
  if (!lead || changes.length === 0) return;
  const stored: StoredLead = { ...lead, seq };
  leads[i] = stored;
  work.record(logged, stored, changes);
}

function membership(
  logged: LoggedEvent<MembershipEvent>,
  bySubscriber: Map<number, StoredLead[]>,
  work: BatchWork,
): void {
  const { event, seq } = logged;
  const { chat, subscriber } = event.data;
  const leads = bySubscriber.get(subscriber.id) ?? [];
  const finding = 'foundBy' in event.data && event.data.foundBy === 'recheck';
  if ('asOf' in event.data && event.data.asOf) {
    // A recheck's finding about a lead that has moved since it was asked is stale: the update
    // that moved it already said what happened, or happened after (a rejoin).
    const { lead: id, seq: asOf } = event.data.asOf;
    if (leads.find((l) => l.id === id)?.seq !== asOf) return;
  }
  const onChat = leads.filter((l) => l.chat === chat && l.account === event.account && l.id < seq);
  const action = journalAction(event.type);
  const paid = onChat.length > 0 ? 1 : 0;

  // Telegram's own update of a departure the recheck already found, delivered late (a backlog):
  // the departure happened before the finding, the same bot found it, and the finding wrote the
  // journal row. The lead's move is decided as for any update.
  const departure = event.type === 'MemberLeft' || event.type === 'MemberBanned';
  const alreadyFound =
    departure &&
    !finding &&
    onChat.some((l) => l.found !== undefined && l.bot === event.bot && event.time <= l.found);
  if (!alreadyFound) journal(logged, action, paid, work);

  const input = INPUT_BY_EVENT[event.type];
  const target = attributeLead(onChat, 'inviteLink' in event.data ? event.data.inviteLink : '', (l) =>
    movesLead(l.status, input),
  );
  if (!target || target.seq >= seq) return;
  const { lead, changes } = applyToLead(target, {
    type: input,
    time: event.time,
    username: subscriber.username,
  });
  if (!lead || changes.length === 0) return;
  // A move remembers whether a recheck finding made it (see StoredLead.found).
  const stored: StoredLead = { ...lead, seq, found: finding ? event.time : undefined };
  leads[leads.indexOf(target)] = stored;
  work.record(logged, stored, changes);
}

function journal(
  logged: LoggedEvent<MembershipEvent>,
  action: JournalAction,
  paid: 0 | 1,
  work: BatchWork,
): void {
  const { event, seq } = logged;
  const { chat, subscriber } = event.data;
  work.journal.push({
    id: seq,
    account: event.account,
    bot: event.bot,
    chat,
    subscriber: subscriber.id,
    username: subscriber.username,
    action,
    paid,
    time: event.time,
  } satisfies JournalEntry);
  work.derive(logged, { type: 'JournalRecorded', data: { entry: seq, chat, subscriber, action, paid } });
}

/** The campaigns (with their accounts) whose leads a batch may move: welcomes and postbacks. */
export type PostbackSettings = Map<number, { campaign: Campaign; account: Account | null }>;

/** What one batch changes, accumulated in order. */
class BatchWork {
  readonly postbacks: NewPostback[] = [];
  readonly welcomes: NewWelcome[] = [];

  constructor(private readonly settings: PostbackSettings) {}

  readonly leads = new Map<number, StoredLead>();
  readonly journal: JournalEntry[] = [];
  readonly transitions: LeadTransition[] = [];
  readonly derived: LeadEvent[] = [];
  readonly chats: BotChat[] = [];
  private readonly derivedCount = new Map<number, number>();

  record(logged: LoggedEvent<TelegramEvent>, lead: StoredLead, changes: readonly LeadChange[]): void {
    this.leads.set(lead.id, lead);
    const base = { lead: lead.id, campaign: lead.campaign, chat: lead.chat };
    const subscriber = { id: lead.subscriber, username: lead.username };
    for (const change of changes) {
      if (change.type === 'created' || change.type === 'statusChanged') {
        const from = change.type === 'created' ? null : change.from;
        const to = change.type === 'created' ? change.lead.status : change.to;
        const first = change.type === 'created' ? true : change.first;
        const n = this.derivedCount.get(logged.seq) ?? 0;
        this.transitions.push({
          id: `${logged.seq}:${n}`,
          ...base,
          startTime: lead.startTime,
          account: lead.account,
          from,
          to,
          first,
          time: logged.event.time,
        });
        const id = this.derive(logged, {
          type: 'LeadStatusChanged',
          data: { ...base, subscriber, click: lead.click, from, to, first, joinTime: lead.joinTime },
        });
        this.postback(id, lead, LEAD_STATUS_NAMES[to], lead.click, logged.event.time);
      } else if (change.type === 'clickReplaced') {
        const id = this.derive(logged, {
          type: 'LeadClickReplaced',
          data: { ...base, subscriber, click: change.click, status: lead.status },
        });
        // The newest ad gets the credit: its tracker hears the wait postback for the new click.
        this.postback(id, lead, 'wait', change.click, logged.event.time);
      }
    }
  }

  /** Queues the welcome a /start earns: the campaign's message with the lead's invite link. */
  welcome(logged: LoggedEvent<SubscriberStarted>, lead: StoredLead): void {
    const campaign = this.settings.get(lead.campaign)?.campaign;
    if (!campaign) return;
    const { event } = logged;
    this.welcomes.push({
      id: event.id,
      account: lead.account,
      bot: event.bot,
      campaign: lead.campaign,
      chat: lead.chat,
      lead: lead.id,
      subscriber: lead.subscriber,
      updateId: event.updateId,
      created: event.time,
      inviteLink: lead.inviteLink,
      joinRequest: campaign.joinMode === 'request',
      text: campaign.welcome || DEFAULT_WELCOME,
    });
  }

  /** Queues the postback announcing a change, when the campaign or account has a template for it. */
  private postback(id: string, lead: StoredLead, status: LeadStatusName, click: string, time: number): void {
    const setting = this.settings.get(lead.campaign);
    if (!setting) return;
    const { campaign, account } = setting;
    const template = templatesFor(account?.postbacks ?? {}, campaign.postbacks)[status];
    if (!template || !insideUnsubscribeWindow(status, time, lead.joinTime, campaign.unsubWindow)) return;
    const values = {
      click,
      status,
      campaign: campaign.code,
      user: lead.account,
      lead: lead.id,
      subscriber: lead.subscriber,
      username: lead.username,
      chat: lead.chat,
      time,
    };
    this.postbacks.push({
      id,
      account: lead.account,
      campaign: lead.campaign,
      lead: lead.id,
      status,
      url: renderTemplate(template, values),
      method: campaign.method,
      body: campaign.method === 'POST' ? renderTemplate(campaign.body, values) : '',
      created: time,
    });
  }

  derive(logged: LoggedEvent<TelegramEvent>, body: Pick<LeadEvent, 'type' | 'data'>): string {
    const n = this.derivedCount.get(logged.seq) ?? 0;
    if (n >= DERIVED_PER_EVENT)
      throw new Error(`event ${logged.event.id} derived more than ${DERIVED_PER_EVENT} events`);
    this.derivedCount.set(logged.seq, n + 1);
    const { event } = logged;
    this.derived.push({
      id: `${event.id}:${n}`,
      version: EVENT_VERSION,
      key: event.key,
      account: event.account,
      bot: event.bot,
      updateId: event.updateId,
      time: event.time,
      source: { partition: logged.partition, order: logged.seq * DERIVED_PER_EVENT + n },
      ...body,
    } as LeadEvent);
    return `${event.id}:${n}`;
  }
}
