/**
 * Every shape the dashboard reads from or sends to the API, in one place. The `data` of each
 * answer; the envelope is unwrapped by the client.
 */

export const STATUS_NAMES = ['wait', 'hold', 'approve', 'cancel', 'trash'] as const;
export type StatusName = (typeof STATUS_NAMES)[number];
/** Lead status codes 0–4, in the order of STATUS_NAMES. */
export type StatusCode = 0 | 1 | 2 | 3 | 4;

export const JOURNAL_ACTIONS = ['request', 'approve', 'join', 'leave', 'ban'] as const;
export type JournalAction = (typeof JOURNAL_ACTIONS)[number];

export const DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export type Health = 'ok' | 'token_revoked' | 'not_admin' | 'removed';

/** `{"status":"error",...}`: every failure of the API. */
export interface ErrorBody {
  status: 'error';
  error: string;
  message: string;
}

/** A list page: `data` rows and the `total` matching the filters. */
export interface Page<Row> {
  data: Row[];
  total: number;
}

export interface Setup {
  first_run: boolean;
  admin_token_file: string | null;
}

export interface AccountInfo {
  id: number;
  name: string;
  timezone: string;
}

export interface NewAccountBody {
  name: string;
  timezone?: string;
}

export interface ApiKey {
  id: number;
  api_key: string;
}

export interface Summary {
  starts: number;
  holds: number;
  confirms: number;
  cancels: number;
  trashes: number;
  cr: number;
  organic_joins: number;
  organic_leaves: number;
}

export interface SeriesDay {
  date: string;
  starts: number;
  confirms: number;
  cancels: number;
  trashes: number;
  organic: number;
}

export interface Welcome {
  state: DeliveryState;
  attempts: number;
  last_error: string;
}

/** The lead's latest postback delivery. */
export interface LeadPostback {
  status: StatusName;
  state: DeliveryState;
  attempts: number;
  last_http_status: number | null;
}

export interface Lead {
  id: number;
  campaign: number;
  subscriber: number;
  username: string;
  click: string;
  status: StatusCode;
  start_time: string;
  join_time: string;
  updated: string;
  welcome: Welcome | null;
  postback?: LeadPostback | null;
}

export interface JournalRow {
  id: number;
  subscriber: number;
  username: string;
  action: JournalAction;
  paid: 0 | 1;
  time: string;
}

export interface Bot {
  id: number;
  username: string;
  status: 'ok' | 'token_revoked';
}

export interface NewBot {
  id: number;
  username: string;
  webhook: string | null;
}

export interface Chat {
  id: number;
  bot: number;
  title: string;
  type: string;
  username: string;
  status: Health;
}

export type PostbackTemplates = Partial<Record<StatusName, string>>;

export interface Campaign {
  id: number;
  name: string;
  code: string;
  bot: number;
  chat: number;
  join_mode: 'request' | 'direct';
  welcome: string;
  postbacks: PostbackTemplates | null;
  method: 'GET' | 'POST';
  body: string;
  unsub_window: number;
  default: boolean;
  link: string;
  health: Health;
}

/** The body of `campaigns/add.json`; `campaigns/edit.json` takes `id` and any of these. */
export interface CampaignBody {
  name: string;
  bot: number;
  chat: number;
  join_mode: 'request' | 'direct';
  welcome: string;
  unsub_window: number;
  method: 'GET' | 'POST';
  body: string;
  default: boolean;
  postbacks: PostbackTemplates;
}

export interface NewCampaign {
  id: number;
  code: string;
  link: string;
}

export interface DeliveryAttempt {
  time: string;
  http_status: number | null;
  error: string;
  duration_ms: number;
}

export interface Delivery {
  id: string;
  campaign: number;
  lead: number;
  status: StatusCode;
  url: string;
  method: 'GET' | 'POST';
  state: DeliveryState;
  attempts: number;
  last_http_status: number | null;
  created: string;
  next_attempt: string | null;
  log: DeliveryAttempt[];
}

export interface Resent {
  id: string;
  state: DeliveryState;
}

export interface TestPostbackBody {
  campaign: number;
  status: StatusName;
}

export interface TestPostback {
  url: string;
  method: 'GET' | 'POST';
  http_status: number | null;
  error: string;
  duration_ms: number;
  response: string;
}
