import { JOURNAL_ACTIONS, LEAD_STATUS_NAMES } from '@subtrack/contracts';
import { z } from 'zod/v4';
import {
  bodyBool,
  bodyCustom,
  bodyEnum,
  bodyInt,
  bodyPattern,
  bodyString,
  MAX_TIME,
  NO_SPACE,
  queryBool,
  queryEnum,
  queryInt,
  refuse,
  type JsonSchema,
} from './fields';
import * as r from './responses';

// ---------------------------------------------------------------------------------------------
// Request schemas

const page = { limit: queryInt(1, 200), offset: queryInt(0) };
const range = { from: queryInt(0, MAX_TIME), to: queryInt(0, MAX_TIME) };

/** A query with a range: `from` after `to` is refused, naming `from`. */
function withRange<S extends z.ZodRawShape>(shape: S) {
  return z.object({ ...shape, ...range }).superRefine((q, ctx) => {
    const { from, to } = q as { from?: number; to?: number };
    if (typeof from === 'number' && typeof to === 'number' && from > to)
      ctx.addIssue({ code: 'custom', path: ['from'], message: `must not be after to (${from} > ${to})` });
  });
}

/** A JSON body: anything but an object is refused as a whole. */
const body = <S extends z.ZodRawShape>(shape: S) => z.object(shape, { error: () => 'must be a JSON object' });

const campaignId = () => queryInt(1);
const leadStatus = () => queryInt(0, 4);

export const leadFilters = withRange({ campaign: campaignId(), status: leadStatus() });
export const leadsListQuery = withRange({ campaign: campaignId(), status: leadStatus(), ...page });
export const journalListQuery = withRange({
  bot: queryInt(1),
  chat: queryInt(),
  action: queryEnum(JOURNAL_ACTIONS),
  ...page,
});
export const statsQuery = withRange({ campaign: campaignId() });
export const chatsListQuery = z.object({ bot: queryInt(1), all: queryBool() });
export const postbacksListQuery = withRange({
  campaign: campaignId(),
  status: leadStatus(),
  state: queryEnum(r.DELIVERY_STATES),
  lead: queryInt(1),
  ...page,
});

/** Time zones the product knows (IANA), UTC first. */
const zones = (): string[] => ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];

/** The canonical IANA name, so that "europe/moscow" is stored as "Europe/Moscow"; UTC by default. */
const timezone = bodyCustom<string, string | null>(
  (raw) => {
    if (raw !== undefined && raw !== null && typeof raw !== 'string') refuse('must be a string');
    const tz = (raw as string | null | undefined) ?? 'UTC';
    try {
      if (tz === '') throw new RangeError();
      return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
    } catch {
      return refuse(`unknown IANA time zone "${tz}"`);
    }
  },
  () => ({ enum: [...zones(), null], description: 'IANA time zone, default UTC' }),
  true,
);

export const accountAddBody = body({ name: bodyString({ required: true, max: 200 }), timezone });
export const accountRotateBody = body({ account: bodyInt({ required: true, min: 1 }) });

const TOKEN = /^\d+:[A-Za-z0-9_-]{20,}$/;
export const botAddBody = body({
  token: bodyPattern({
    required: true,
    // Surrounding white space is trimmed off.
    pattern: `^[\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]*[0-9]+:[A-Za-z0-9_-]{20,}[\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]*$`,
    test: (s) => TOKEN.test(s.trim()),
    normalize: (s) => s.trim(),
    problem: 'is not a Telegram bot token (<id>:<secret>)',
  }),
});

const TEMPLATE = /^https?:\/\/[^\s]+$/i;
const TEMPLATE_PATTERN = `^(|[Hh][Tt][Tt][Pp][Ss]?://${NO_SPACE})$`;
type Templates = Partial<Record<(typeof LEAD_STATUS_NAMES)[number], string>>;

/** Postback URL templates keyed by status name; "" or null leaves a status without one. */
function readTemplates(raw: unknown): Templates {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    refuse('must be an object keyed by status name');
  const out: Templates = {};
  for (const [status, url] of Object.entries(raw as Record<string, unknown>)) {
    if (!(LEAD_STATUS_NAMES as readonly string[]).includes(status))
      refuse(`unknown status, use ${LEAD_STATUS_NAMES.join(', ')}`, [status]);
    if (url === '' || url === null) continue;
    if (typeof url !== 'string' || !TEMPLATE.test(url)) refuse('must be an http(s) URL template', [status]);
    out[status as keyof Templates] = url as string;
  }
  return out;
}

const templatesSchema = (): JsonSchema => ({
  type: 'object',
  description: `URL templates keyed by status name; macros ${r.MACROS.map((m) => `{${m}}`).join(' ')}`,
  properties: Object.fromEntries(
    LEAD_STATUS_NAMES.map((s) => [
      s,
      {
        anyOf: [
          { type: 'string', pattern: TEMPLATE_PATTERN, description: 'http(s) URL template, "" for none' },
          { type: 'null' },
        ],
      },
    ]),
  ),
  additionalProperties: false,
});

/** The campaign's templates: null clears them (the account's apply). */
const campaignTemplates = bodyCustom<Templates | null | undefined, Templates | null>(
  (raw) => (raw === undefined ? undefined : raw === null ? null : readTemplates(raw)),
  () => ({ anyOf: [templatesSchema(), { type: 'null' }] }),
  true,
);

const campaignFields = <R extends boolean>(creating: R) => ({
  name: bodyString({ required: creating, max: 200 }),
  bot: bodyInt({ required: creating, min: 1 }),
  chat: bodyInt({ required: creating }),
  join_mode: bodyEnum(r.JOIN_MODES, { required: creating, problem: 'must be "request" or "direct"' }),
  method: bodyEnum(r.POSTBACK_METHODS, {
    normalize: (s) => s.toUpperCase(),
    pattern: '^([Gg][Ee][Tt]|[Pp][Oo][Ss][Tt])$',
    problem: 'must be GET or POST',
  }),
  postbacks: campaignTemplates,
  welcome: bodyString({ max: 4096 }),
  body: bodyString({ max: 8192 }),
  unsub_window: bodyInt({ min: 0, max: 24 * 365 * 10 }),
  default: bodyBool(),
});

export const campaignAddBody = body(campaignFields(true));
export const campaignEditBody = body({ id: bodyInt({ required: true, min: 1 }), ...campaignFields(false) });

/** Required: an empty object clears the templates, a missing one is a mistake. */
export const globalPostbacksBody = body({
  postbacks: bodyCustom<Templates, Templates>((raw) => readTemplates(raw), templatesSchema),
});
export const resendBody = body({ id: bodyString({ required: true }) });
export const secretBody = body({ campaign: bodyInt({ min: 1 }), off: bodyBool() });
export const testPostbackBody = body({
  campaign: bodyInt({ required: true, min: 1 }),
  status: bodyEnum(LEAD_STATUS_NAMES, { required: true }),
});

// ---------------------------------------------------------------------------------------------
// The table

export type Auth = 'key' | 'admin' | 'none';

export interface Endpoint {
  method: 'GET' | 'POST';
  /** OpenAPI form: `{name}` for a path parameter. */
  path: string;
  summary: string;
  description?: string;
  auth: Auth;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The success answer (200): JSON, or another media type described in words. */
  response: z.ZodType | { mediaType: string; description: string };
  /** Every other status it can answer, each with the error codes it carries. */
  errors: Readonly<Record<number, readonly string[]>>;
  /** Described by this table but served outside the framework's router. */
  outsideRouter?: boolean;
}

/**
 * What any API route may answer besides its own: a body that is not JSON or not readable (400,
 * 415), too large (413), the request or failed-authentication limit (429), an unexpected failure.
 */
const COMMON = { 400: ['param'], 413: ['limit'], 415: ['param'], 429: ['limit'], 500: ['db'] } as const;
const KEY = { ...COMMON, 401: ['key'] } as const;
const ADMIN = { ...COMMON, 401: ['admin'] } as const;
const OWN = { ...KEY, 404: ['notfound'] } as const;

const define = <const T extends Record<string, Endpoint>>(table: T): T => table;

export const endpoints = define({
  leadsList: {
    method: 'GET',
    path: '/api/leads/list.json',
    summary: 'Leads, newest first (by start time)',
    auth: 'key',
    query: leadsListQuery,
    response: r.okPage(r.leadRow),
    errors: KEY,
  },
  leadsExport: {
    method: 'GET',
    path: '/api/leads/export.csv',
    summary: 'All leads matching the list filters, as CSV (streamed)',
    auth: 'key',
    query: leadFilters,
    response: {
      mediaType: 'text/csv',
      description: 'id,campaign,subscriber,username,click,status,start_time,join_time,updated',
    },
    errors: KEY,
  },
  journalList: {
    method: 'GET',
    path: '/api/journal/list.json',
    summary: 'Chat join/leave journal, newest first',
    auth: 'key',
    query: journalListQuery,
    response: r.okPage(r.journalRow),
    errors: KEY,
  },
  statsSummary: {
    method: 'GET',
    path: '/api/stats/summary.json',
    summary: 'Counters over a range',
    auth: 'key',
    query: statsQuery,
    response: r.ok(r.summary),
    errors: KEY,
  },
  statsSeries: {
    method: 'GET',
    path: '/api/stats/series.json',
    summary: 'Per-day counters (default: the last 30 days; at most 1000 days)',
    auth: 'key',
    query: statsQuery,
    response: r.ok(z.array(r.seriesPoint)),
    errors: KEY,
  },
  adminAccountAdd: {
    method: 'POST',
    path: '/api/admin/accounts/add.json',
    summary: 'Create an account',
    auth: 'admin',
    body: accountAddBody,
    response: r.ok(r.apiKey),
    errors: ADMIN,
  },
  adminAccountRotate: {
    method: 'POST',
    path: '/api/admin/accounts/rotate.json',
    summary: "Replace an account's API key",
    auth: 'admin',
    body: accountRotateBody,
    response: r.ok(r.apiKey),
    errors: { ...ADMIN, 404: ['notfound'] },
  },
  accountInfo: {
    method: 'GET',
    path: '/api/account/info.json',
    summary: 'The account of the calling API key',
    auth: 'key',
    response: r.ok(r.accountInfo),
    errors: KEY,
  },
  accountRotate: {
    method: 'POST',
    path: '/api/account/rotate.json',
    summary: 'Replace the calling API key (the old one stops working at once)',
    auth: 'key',
    response: r.ok(r.apiKey),
    errors: KEY,
  },
  setup: {
    method: 'GET',
    path: '/api/setup.json',
    summary: 'Whether this is a fresh install, and where a generated admin token is kept',
    auth: 'none',
    response: r.ok(r.setup),
    errors: COMMON,
  },
  botAdd: {
    method: 'POST',
    path: '/api/bots/add.json',
    summary: 'Register a bot by token (checked with getMe)',
    auth: 'key',
    body: botAddBody,
    response: r.ok(r.botAdded),
    errors: { ...KEY, 400: ['param', 'telegram'], 409: ['conflict'], 502: ['telegram'] },
  },
  botsList: {
    method: 'GET',
    path: '/api/bots/list.json',
    summary: 'Bots of the account',
    auth: 'key',
    response: r.ok(z.array(r.botRow)),
    errors: KEY,
  },
  chatsList: {
    method: 'GET',
    path: '/api/chats/list.json',
    summary: 'Chats where the bot is an administrator (all=1: also those it lost its rights in or left)',
    auth: 'key',
    query: chatsListQuery,
    response: r.ok(z.array(r.chatRow)),
    errors: OWN,
  },
  campaignAdd: {
    method: 'POST',
    path: '/api/campaigns/add.json',
    summary: 'Create a campaign',
    auth: 'key',
    body: campaignAddBody,
    response: r.ok(r.campaignAdded),
    errors: OWN,
  },
  campaignEdit: {
    method: 'POST',
    path: '/api/campaigns/edit.json',
    summary: 'Change a campaign (id + any field of add)',
    auth: 'key',
    body: campaignEditBody,
    response: r.ok(r.campaignRow),
    errors: OWN,
  },
  campaignsList: {
    method: 'GET',
    path: '/api/campaigns/list.json',
    summary: 'Campaigns of the account, each with what keeps it from working (health)',
    auth: 'key',
    response: r.ok(z.array(r.campaignRow)),
    errors: KEY,
  },
  postbacksGlobal: {
    method: 'POST',
    path: '/api/postbacks/global.json',
    summary: 'Account-wide postback templates (for campaigns without their own)',
    auth: 'key',
    body: globalPostbacksBody,
    response: r.ok(z.object({ postbacks: r.templates })),
    errors: KEY,
  },
  postbacksList: {
    method: 'GET',
    path: '/api/postbacks/list.json',
    summary: 'Postback deliveries with their attempt log, newest first',
    auth: 'key',
    query: postbacksListQuery,
    response: r.okPage(r.postbackRow),
    errors: KEY,
  },
  postbacksResend: {
    method: 'POST',
    path: '/api/postbacks/resend.json',
    summary: 'Send one delivery again now',
    auth: 'key',
    body: resendBody,
    response: r.ok(r.resent),
    errors: OWN,
  },
  postbacksSecret: {
    method: 'POST',
    path: '/api/postbacks/secret.json',
    summary:
      'Start or rotate postback signing (X-Signature: t=<unix>,v1=<HMAC-SHA256 of "t.METHOD.url.body">); the new key is shown once, the replaced one signs beside it for 24 h; off stops signing',
    auth: 'key',
    body: secretBody,
    response: r.ok(r.signing),
    errors: OWN,
  },
  postbacksTest: {
    method: 'POST',
    path: '/api/postbacks/test.json',
    summary: "Send the campaign's postback for a status once, with sample values, and show the answer",
    description:
      "Renders the template that applies to the campaign (its own, else the account's) with sample macro values and sends it once, through the same address guard as real deliveries and signed like them; nothing is stored as a delivery. 400 when that status has no template.",
    auth: 'key',
    body: testPostbackBody,
    response: r.ok(r.testPostback),
    errors: OWN,
  },
  docs: {
    method: 'GET',
    path: '/api/docs',
    summary: 'This description (OpenAPI 3.1)',
    auth: 'none',
    response: z.record(z.string(), z.unknown()),
    errors: {},
  },
  health: {
    method: 'GET',
    path: '/health',
    summary: 'Liveness: the process runs',
    auth: 'none',
    response: z.object({ status: z.literal('ok') }),
    errors: {},
  },
  ready: {
    method: 'GET',
    path: '/ready',
    summary: 'Readiness: the store and the event log answer and the consumers run (503 naming what does not)',
    auth: 'none',
    response: z.object({ status: z.literal('ok'), checks: z.record(z.string(), z.string()) }),
    errors: { 503: ['db'] },
  },
  webhook: {
    method: 'POST',
    path: '/telegram/webhook/{botId}',
    summary: 'Telegram webhook (X-Telegram-Bot-Api-Secret-Token required)',
    description:
      'Answers 200 once the update is durable in the event log; 400 when the body is not JSON, 401 on a missing or wrong secret header, 404 for an unknown bot, 413 past 1 MB, 500 when the update could not be stored (Telegram delivers it again).',
    auth: 'none',
    response: z.object({ ok: z.literal(true) }),
    errors: { 400: ['body'], 401: ['key'], 404: ['notfound'], 413: ['body'], 500: ['internal'] },
    outsideRouter: true,
  },
});

export type Endpoints = typeof endpoints;
export type EndpointName = keyof Endpoints;
