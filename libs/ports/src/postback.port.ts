import type { LeadStatusName } from '@subtrack/contracts';
import type { Page, PageOf } from './lead.port';
import type { OutboxBacklog } from './outbox.port';

export type DeliveryState = 'pending' | 'delivered' | 'failed';

export interface PostbackAttempt {
  /** Unix milliseconds the attempt started. */
  at: number;
  /** HTTP status of the answer, null when none came (timeout, refused, blocked target). */
  status: number | null;
  /** "" on a 2xx; otherwise what went wrong. */
  error: string;
  durationMs: number;
}

/** One postback for one real status change of a lead: the outbox row and its delivery log. */
export interface PostbackDelivery {
  /** The id of the status-change event it belongs to: one delivery per change, ever. */
  id: string;
  account: number;
  campaign: number;
  lead: number;
  status: LeadStatusName;
  url: string;
  method: 'GET' | 'POST';
  /** Rendered body for POST, "" for none. */
  body: string;
  /** Unix seconds of the status change. */
  created: number;
  state: DeliveryState;
  attempts: PostbackAttempt[];
  /** Unix milliseconds the next attempt is due (0: now). */
  nextAt: number;
}

export type NewPostback = Omit<PostbackDelivery, 'state' | 'attempts' | 'nextAt'>;

export interface PostbackQuery extends Page {
  account: number;
  campaign?: number;
  status?: LeadStatusName;
  state?: DeliveryState;
  /** One lead's deliveries only. */
  lead?: number;
  /** Inclusive bounds on `created`, Unix seconds. */
  from?: number;
  to?: number;
}

/**
 * The postback outbox. Deliveries are created together with the status change they announce
 * (LeadStore.commit, keyed by the change's event id, so a redelivered or replayed change never
 * creates a second one); this port is the delivery worker's and the API's side.
 */
export interface PostbackStore {
  /**
   * Pending deliveries due at `now` (Unix ms), oldest due first, each leased until `now + leaseMs`
   * so that no other worker takes it meanwhile.
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<PostbackDelivery[]>;
  /** Appends an attempt and sets the state and the next due time. */
  recordAttempt(
    id: string,
    attempt: PostbackAttempt,
    next: { state: DeliveryState; nextAt: number },
  ): Promise<void>;
  get(id: string): Promise<PostbackDelivery | null>;
  list(query: PostbackQuery): Promise<PageOf<PostbackDelivery>>;
  /**
   * The latest delivery of each of these leads (highest `created`, then highest id), for one page
   * of leads at a time; leads without a delivery are absent.
   */
  latestOf(leads: readonly number[]): Promise<Map<number, PostbackDelivery>>;
  /** Makes a delivery pending and due at `now` again (a manual re-send); its attempts are kept. */
  resend(id: string, now: number): Promise<void>;
  /** How many deliveries are still owed, and since when the most overdue one is due. */
  backlog(): Promise<OutboxBacklog>;
}
