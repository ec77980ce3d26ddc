import type { JournalAction, LeadStatus } from '@subtrack/contracts';
import type { Lead } from '@subtrack/domain';
import type { LeadCounters, OrganicCounters } from '@subtrack/domain';
import type { NewPostback } from './postback.port';
import type { NewWelcome } from './welcome.port';

/** A lead as stored: the domain state plus the seq of the last event applied to it. */
export interface StoredLead extends Lead {
  seq: number;
  /**
   * When the lead's last move was a membership recheck's finding (a leave or ban no update had
   * reported yet): that finding's time. Absent when an update made the move. The update of the same
   * departure, if Telegram delivers it late, then adds no second journal row.
   */
  found?: number;
}

export interface JournalEntry {
  /** The seq of the event it came from. */
  id: number;
  account: number;
  bot: number;
  chat: number;
  subscriber: number;
  username: string;
  action: JournalAction;
  paid: 0 | 1;
  time: number;
}

/**
 * One status change of a lead; `first` marks what statistics count. A unit of work holds one for
 * every status a lead takes, its creation included (`from` null), in log order.
 */
export interface LeadTransition {
  /**
   * `<seq>:<n>`: the seq of the event that made it, then its number among that event's changes.
   * Deterministic, so a redelivery rewrites the same row.
   */
  id: string;
  lead: number;
  /** The lead's start time: where the lead is counted while it holds a status. */
  startTime: number;
  account: number;
  campaign: number;
  chat: number;
  from: LeadStatus | null;
  to: LeadStatus;
  first: boolean;
  time: number;
}

/** Everything one batch of events changed, written at once. Every part is idempotent. */
export interface LeadUnitOfWork {
  leads: StoredLead[];
  journal: JournalEntry[];
  transitions: LeadTransition[];
  /** Postbacks announcing the status changes of this work: inserted once per id, never reset. */
  postbacks: NewPostback[];
  /** Welcomes owed for the starts of this work: inserted once per id, never reset. */
  welcomes: NewWelcome[];
}

/** An event by its id and the log position it was read at. */
export interface EventAt {
  id: string;
  seq: number;
}

export interface Page {
  limit: number;
  offset: number;
}

export interface LeadQuery extends Page {
  account: number;
  campaign?: number;
  status?: LeadStatus;
  /** Inclusive bounds on start_time, Unix seconds. */
  from?: number;
  to?: number;
}

export interface JournalQuery extends Page {
  account: number;
  bot?: number;
  chat?: number;
  action?: JournalAction;
  from?: number;
  to?: number;
}

export interface CountScope {
  account: number;
  campaign?: number;
  /** Inclusive bounds, Unix seconds. */
  from: number;
  to: number;
}

export interface OrganicScope {
  account: number;
  /** Restricts to one chat (a campaign's); all of the account's chats otherwise. */
  chat?: number;
  from: number;
  to: number;
}

/** Which approved leads of a bot the membership recheck looks at next. */
export interface RecheckQuery {
  bot: number;
  /** Campaigns with an unsubscribe window, and since when (Unix seconds) a join is still inside it. */
  windows: { campaign: number; joinedSince: number }[];
  /** Leads changed after this (Unix seconds) are left alone: their updates may still be on the way. */
  changedBefore: number;
  limit: number;
}

export interface PageOf<T> {
  rows: T[];
  total: number;
}

/** Leads, their transitions and the chat journal: the lead-projection's store. */
export interface LeadStore {
  /** Every lead of these subscribers, across campaigns. */
  leadsOf(subscribers: readonly number[]): Promise<StoredLead[]>;
  commit(work: LeadUnitOfWork): Promise<void>;
  /**
   * Records each event id with the position it is applied at, and returns the positions whose id
   * was recorded at another position first: copies. A log that cannot drop a re-appended event (a Telegram update
   * delivered twice becomes two Kafka records) hands the copy over at a new position; this is how the
   * projection recognises it. The same position again is a redelivery, not a copy: its work may not
   * have been committed, and is done again. A write, not a lookup, so that the common case (no
   * copy) costs no read.
   */
  claim(events: readonly EventAt[]): Promise<Set<number>>;

  listLeads(query: LeadQuery): Promise<PageOf<StoredLead>>;
  /** Streams every lead matching the query's filters, newest first, ignoring paging. */
  streamLeads(query: Omit<LeadQuery, 'limit' | 'offset'>): AsyncIterable<StoredLead>;
  listJournal(query: JournalQuery): Promise<PageOf<JournalEntry>>;

  /**
   * Approved leads of a bot to ask Telegram about, least recently checked first: those inside
   * their campaign's unsubscribe window before the rest.
   */
  recheckCandidates(query: RecheckQuery): Promise<StoredLead[]>;
  /** Remembers when these leads were last checked (Unix seconds). */
  markChecked(leads: readonly number[], at: number): Promise<void>;

  /** Drops leads, transitions, the journal and the claimed event ids (before a rebuild from the log); keeps postbacks and welcomes. */
  reset(): Promise<void>;

  /** Recount from raw history: leads entering each status for the first time within the scope. */
  countFirstEntries(scope: CountScope): Promise<LeadCounters>;
  /** Recount from the raw journal: organic joins and leaves within the scope. */
  countOrganic(scope: OrganicScope): Promise<OrganicCounters>;
}
