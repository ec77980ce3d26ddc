import type { OutboxBacklog } from './outbox.port';

export type WelcomeState = 'pending' | 'delivered' | 'failed';

/**
 * The welcome one /start earns: the campaign's message with the lead's personal invite link, sent
 * by the bot. Stored work, created by the projection with the start it answers (keyed by that
 * event, so a redelivered or replayed start never creates a second one), delivered by a worker.
 */
export interface Welcome {
  /** The `SubscriberStarted` event id: one welcome per /start update, ever. */
  id: string;
  account: number;
  bot: number;
  campaign: number;
  chat: number;
  lead: number;
  subscriber: number;
  /** The update the /start came in, and Telegram's time of it (Unix seconds). */
  updateId: number;
  created: number;
  /** The lead's invite link as far as the projection knew; "" when it is still to be made. */
  inviteLink: string;
  /** Whether a link made for it creates join requests (the campaign's join mode is "request"). */
  joinRequest: boolean;
  text: string;
  state: WelcomeState;
  /** Bot API calls made for it that failed, and what the last failure was ("" when none). */
  attempts: number;
  lastError: string;
  /** Unix milliseconds the next attempt is due. */
  nextAt: number;
}

export type NewWelcome = Omit<Welcome, 'state' | 'attempts' | 'lastError' | 'nextAt'>;

export interface WelcomeOutcome {
  state: WelcomeState;
  /** When pending: the next attempt's due time (Unix ms). */
  nextAt: number;
  /** "" on success; otherwise what went wrong, as the API shows it. */
  error: string;
  /** Whether this counts as a failed attempt (a flood-control wait does not). */
  failed: boolean;
  /** The invite link made on the way, so a retry does not make another ("" or absent: unchanged). */
  inviteLink?: string;
}

/** The welcome outbox: the worker's and the API's side (rows are created by LeadStore.commit). */
export interface WelcomeStore {
  /** Pending welcomes due at `now` (Unix ms), oldest due first, each leased until `now + leaseMs`. */
  claimDue(now: number, limit: number, leaseMs: number): Promise<Welcome[]>;
  /** Records an attempt's outcome and ends the lease. */
  record(id: string, outcome: WelcomeOutcome): Promise<void>;
  get(id: string): Promise<Welcome | null>;
  /** The newest welcome of each of these leads (by `created`, then id). */
  latestOf(leads: readonly number[]): Promise<Map<number, Welcome>>;
  /** How many welcomes are still owed, and since when the most overdue one is due. */
  backlog(): Promise<OutboxBacklog>;
}
