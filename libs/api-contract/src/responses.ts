import { JOURNAL_ACTIONS, LEAD_STATUS_NAMES, LeadStatus } from '@subtrack/contracts';
import type { BotStatus, DeliveryState, JoinMode, PostbackMethod, WelcomeState } from '@subtrack/ports';
import { z } from 'zod/v4';

/** The values of a string union, checked to be all of them. */
const allOf =
  <T extends string>() =>
  <const A extends readonly T[]>(values: A & ([T] extends [A[number]] ? unknown : never)): A =>
    values;

export const DELIVERY_STATES = allOf<DeliveryState>()(['pending', 'delivered', 'failed']);
export const WELCOME_STATES = allOf<WelcomeState>()(['pending', 'delivered', 'failed']);
export const BOT_STATUSES = allOf<BotStatus>()(['ok', 'token_revoked']);
export const JOIN_MODES = allOf<JoinMode>()(['request', 'direct']);
export const POSTBACK_METHODS = allOf<PostbackMethod>()(['GET', 'POST']);
/** What keeps a chat from being usable: its bot left (removed) or lost its rights (not_admin). */
export const CHAT_HEALTH = ['ok', 'not_admin', 'removed'] as const;
export type ChatHealth = (typeof CHAT_HEALTH)[number];
/** What keeps a campaign from working: its bot's token first, then the bot's place in the chat. */
export const CAMPAIGN_HEALTH = ['ok', 'token_revoked', 'not_admin', 'removed'] as const;
export type CampaignHealth = (typeof CAMPAIGN_HEALTH)[number];

/** Stable, short error codes of the API's error envelope. */
export const ERROR_CODES = [
  'key',
  'param',
  'notfound',
  'limit',
  'func',
  'db',
  'admin',
  'telegram',
  'conflict',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const MACROS = [
  'click',
  'status',
  'campaign',
  'user',
  'lead',
  'subscriber',
  'username',
  'chat',
  'time',
] as const;

const id = z.int().min(1);
const count = z.int().min(0);
/** A moment in the account's time zone, "YYYY-MM-DD HH:MM:SS". */
const time = z.string();

export const ok = <T extends z.ZodType>(data: T) => z.object({ status: z.literal('ok'), data });
export const okPage = <T extends z.ZodType>(row: T) =>
  z.object({ status: z.literal('ok'), data: z.array(row), total: count });

/** `{"status":"error","error":code,"message":...}`: every failure of the API. */
export const errorEnvelope = (codes: readonly string[] = ERROR_CODES) =>
  z.object({
    status: z.literal('error'),
    error: z.enum(codes as [string, ...string[]]),
    message: z.string(),
  });
export type ErrorEnvelope = { status: 'error'; error: ErrorCode; message: string };

const leadStatus = z
  .literal(Object.values(LeadStatus))
  .describe('0 wait, 1 hold, 2 approve, 3 cancel, 4 trash');
const statusName = z.enum(LEAD_STATUS_NAMES);

export const welcomeState = z
  .object({
    state: z.enum(WELCOME_STATES),
    attempts: count.describe('Bot API calls for it that failed'),
    last_error: z.string(),
  })
  .nullable()
  .describe(
    "The welcome of the lead's latest /start (invite link and message): pending, delivered or failed",
  );

export const postbackState = z
  .object({
    status: statusName,
    state: z.enum(DELIVERY_STATES),
    attempts: count,
    last_http_status: z.int().nullable(),
  })
  .nullable()
  .describe("The lead's latest postback delivery, null when none was made");

export const leadRow = z.object({
  id,
  campaign: id,
  subscriber: z.int(),
  username: z.string(),
  click: z.string(),
  status: leadStatus,
  start_time: time,
  join_time: time,
  updated: time,
  welcome: welcomeState,
  postback: postbackState,
});

export const journalRow = z.object({
  id: z.int(),
  subscriber: z.int(),
  username: z.string(),
  action: z.enum(JOURNAL_ACTIONS),
  paid: z.literal([0, 1]).describe('1: the member came through a campaign link'),
  time,
});

export const summary = z.object({
  starts: count,
  holds: count,
  confirms: count,
  cancels: count,
  trashes: count,
  cr: z.number().describe('confirms / starts, in percent'),
  organic_joins: count,
  organic_leaves: count,
});

export const seriesPoint = z.object({
  date: z.string().describe('YYYY-MM-DD in the account time zone'),
  starts: count,
  confirms: count,
  cancels: count,
  trashes: count,
  organic: count,
});

export const apiKey = z.object({ id, api_key: z.string().describe('{account_id}-{secret}') });
export const accountInfo = z.object({ id, name: z.string(), timezone: z.string() });

export const botAdded = z.object({
  id: z.int(),
  username: z.string(),
  webhook: z.string().nullable().describe('The webhook URL registered with Telegram, null when none'),
});
export const botRow = z.object({
  id: z.int(),
  username: z.string(),
  status: z.enum(BOT_STATUSES).describe('token_revoked: add the bot again'),
});
export const chatRow = z.object({
  id: z.int(),
  bot: z.int(),
  title: z.string(),
  type: z.string(),
  username: z.string(),
  status: z.enum(CHAT_HEALTH),
});

export const templates = z
  .object(Object.fromEntries(LEAD_STATUS_NAMES.map((s) => [s, z.string().optional()])))
  .describe('URL templates keyed by status name') as z.ZodType<
  Partial<Record<(typeof LEAD_STATUS_NAMES)[number], string>>
>;

export const campaignAdded = z.object({
  id,
  code: z.string(),
  link: z.string().describe('The deep link; {click} is replaced by the ad network'),
});
export const campaignRow = z.object({
  id,
  name: z.string(),
  code: z.string(),
  bot: z.int(),
  chat: z.int(),
  join_mode: z.enum(JOIN_MODES),
  welcome: z.string(),
  postbacks: templates.nullable().describe("null: the account's templates apply"),
  method: z.enum(POSTBACK_METHODS),
  body: z.string(),
  unsub_window: count,
  default: z.boolean(),
  link: z.string(),
  health: z.enum(CAMPAIGN_HEALTH),
});

export const postbackRow = z.object({
  id: z.string(),
  campaign: z.int(),
  lead: z.int(),
  status: leadStatus,
  url: z.string(),
  method: z.enum(POSTBACK_METHODS),
  state: z.enum(DELIVERY_STATES),
  attempts: count,
  last_http_status: z.int().nullable(),
  created: time,
  next_attempt: time.nullable(),
  log: z.array(
    z.object({
      time,
      http_status: z.int().nullable(),
      error: z.string(),
      duration_ms: count,
    }),
  ),
});

export const resent = z.object({ id: z.string(), state: z.literal('pending') });
export const signing = z.object({
  campaign: z.int().nullable(),
  secret: z.string().nullable().describe('The new key, shown once; null when signing stopped'),
  previous_valid_until: time.nullable(),
});

export const setup = z.object({
  first_run: z.boolean().describe('No account exists yet'),
  admin_token_file: z
    .string()
    .nullable()
    .describe(
      'Where the generated admin token is kept, told only on the first run; null when ADMIN_TOKEN is configured or an account exists',
    ),
});

export const testPostback = z.object({
  url: z.string(),
  method: z.enum(POSTBACK_METHODS),
  http_status: z.int().nullable().describe("The receiver's HTTP status, null when it did not answer"),
  error: z.string().describe('"" on a 2xx; otherwise what went wrong'),
  duration_ms: count,
  response: z.string().describe("The first 2 kB of the receiver's body"),
});
