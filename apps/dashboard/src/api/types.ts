/**
 * Every shape the dashboard reads from or sends to the API, in one place, derived from the API's
 * own zod schemas in @subtrack/api-contract. Type-only imports: none of zod reaches the bundle.
 * Each type is the `data` of an answer; the client unwraps the envelope.
 */
import type { BodyOf, CampaignHealth, EndpointName, ErrorEnvelope, ResponseOf } from '@subtrack/api-contract';

/** The `data` of an endpoint's success answer. */
type Data<N extends EndpointName> = ResponseOf<N> extends { data: infer D } ? D : never;
type Row<N extends EndpointName> = Data<N> extends readonly (infer R)[] ? R : never;

export type ErrorBody = ErrorEnvelope;

/** A list page: `data` rows and the `total` matching the filters. */
export interface Page<R> {
  data: R[];
  total: number;
}

export type Setup = Data<'setup'>;
export type AccountInfo = Data<'accountInfo'>;
export type NewAccountBody = BodyOf<'adminAccountAdd'>;
export type ApiKey = Data<'adminAccountAdd'>;

export type Summary = Data<'statsSummary'>;
export type SeriesDay = Row<'statsSeries'>;
export type Lead = Row<'leadsList'>;
export type Welcome = NonNullable<Lead['welcome']>;
export type LeadPostback = NonNullable<Lead['postback']>;
export type JournalRow = Row<'journalList'>;

export type Bot = Row<'botsList'>;
export type NewBot = Data<'botAdd'>;
export type Chat = Row<'chatsList'>;
export type Health = CampaignHealth;

export type Campaign = Row<'campaignsList'>;
export type NewCampaign = Data<'campaignAdd'>;
export type PostbackTemplates = NonNullable<Campaign['postbacks']>;

export type Delivery = Row<'postbacksList'>;
export type DeliveryAttempt = Delivery['log'][number];
export type Resent = Data<'postbacksResend'>;
export type TestPostbackBody = BodyOf<'postbacksTest'>;
export type TestPostback = Data<'postbacksTest'>;

/** Lead status codes 0–4 and their names, in the API's order. */
export type StatusCode = Lead['status'];
export type StatusName = LeadPostback['status'];
export type JournalAction = JournalRow['action'];
export type DeliveryState = Delivery['state'];

/** What the campaign form sends: every field of `campaigns/add.json`, so edits send them all too. */
export interface CampaignBody {
  name: string;
  bot: number;
  chat: number;
  join_mode: Campaign['join_mode'];
  welcome: string;
  unsub_window: number;
  method: Campaign['method'];
  body: string;
  default: boolean;
  postbacks: PostbackTemplates;
}

/** Compile-time check that a body the dashboard builds is one the endpoint takes. */
type Accepts<Taken, Sent extends Taken> = Sent;
export type CheckedCampaignBody = Accepts<BodyOf<'campaignAdd'>, CampaignBody>;

/** Lists for selects; each is checked to hold exactly the API's values. */
const exactly =
  <T extends string>() =>
  <const A extends readonly T[]>(values: A & ([T] extends [A[number]] ? unknown : never)): A =>
    values;

export const STATUS_NAMES = exactly<StatusName>()(['wait', 'hold', 'approve', 'cancel', 'trash']);
export const JOURNAL_ACTIONS = exactly<JournalAction>()(['request', 'approve', 'join', 'leave', 'ban']);
export const DELIVERY_STATES = exactly<DeliveryState>()(['pending', 'delivered', 'failed']);
