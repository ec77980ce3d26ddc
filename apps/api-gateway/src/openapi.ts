/** OpenAPI 3.1 description of the HTTP API, served at /api/docs. */
import { MAX_TIME } from './params';
const key = [{ apiKeyQuery: [] }, { bearer: [] }];
const int = { type: 'integer', minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER };
const str = { type: 'string' };
const MAX = Number.MAX_SAFE_INTEGER;
/** An id the product assigned: a positive integer. */
const id = { type: 'integer', minimum: 1, maximum: MAX };
/** Query integers: an empty value counts as not given. */
const queryInt = (schema: object) => ({ anyOf: [schema, { const: '' }] });
/** Time zones the product knows (IANA). */
const zones = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
const template = {
  type: 'string',
  pattern: '^(|https?://[^\\s]+)$',
  description: 'http(s) URL template, "" for none',
};
const nonEmpty = (maxLength?: number) => ({
  type: 'string',
  minLength: 1,
  ...(maxLength ? { maxLength } : {}),
});
const q = (name: string, description: string, schema: object = int, required = false) => ({
  name,
  in: 'query',
  required,
  description,
  schema: (schema as { type?: string }).type === 'integer' ? queryInt(schema) : schema,
});
const page = [
  q('limit', 'Page size (default 50, max 200)', { type: 'integer', minimum: 1, maximum: 200 }),
  q('offset', 'Pagination offset', { type: 'integer', minimum: 0, maximum: MAX }),
];
const range = [
  q('from', 'Start of range, Unix seconds, inclusive; not after to', {
    type: 'integer',
    minimum: 0,
    maximum: MAX_TIME,
  }),
  q('to', 'End of range, Unix seconds, inclusive', { type: 'integer', minimum: 0, maximum: MAX_TIME }),
];
const campaignParam = q('campaign', 'Campaign id', id);
const statusParam = q('status', 'Lead status 0-4', { type: 'integer', minimum: 0, maximum: 4 });
const ok = (data: object, extra: object = {}) => ({
  '200': {
    description: 'ok',
    content: {
      'application/json': {
        schema: { type: 'object', properties: { status: { const: 'ok' }, data, ...extra } },
      },
    },
  },
  default: { $ref: '#/components/responses/Error' },
});
const json = (properties: object, required: string[] = []) => ({
  required: true,
  content: { 'application/json': { schema: { type: 'object', properties, required } } },
});
const counters = ['starts', 'holds', 'confirms', 'cancels', 'trashes'];
const postbacks = {
  type: 'object',
  description:
    'URL templates keyed by status name; macros {click} {status} {campaign} {user} {lead} {subscriber} {username} {chat} {time}',
  properties: Object.fromEntries(
    ['wait', 'hold', 'approve', 'cancel', 'trash'].map((s) => [s, { anyOf: [template, { type: 'null' }] }]),
  ),
  additionalProperties: false,
};

export const OPENAPI = {
  openapi: '3.1.0',
  info: { title: 'Telegram subscriber tracker API', version: '1' },
  security: key,
  components: {
    securitySchemes: {
      apiKeyQuery: { type: 'apiKey', in: 'query', name: 'id', description: 'API key {account_id}-{secret}' },
      bearer: { type: 'http', scheme: 'bearer' },
      admin: { type: 'apiKey', in: 'header', name: 'X-Admin-Token' },
    },
    responses: {
      Error: {
        description:
          'error (400 param, 401 key, 404 notfound or func, 413 limit: body too large, 429 limit: request or failed-authentication limit, with Retry-After in seconds, 500 db)',
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: {
                status: { const: 'error' },
                error: {
                  enum: ['key', 'param', 'notfound', 'limit', 'func', 'db', 'admin', 'telegram', 'conflict'],
                },
                message: str,
              },
            },
          },
        },
      },
    },
  },
  paths: {
    '/api/leads/list.json': {
      get: {
        summary: 'Leads, newest first (by start time)',
        parameters: [campaignParam, statusParam, ...range, ...page],
        responses: ok(
          {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: int,
                campaign: int,
                subscriber: int,
                username: str,
                click: str,
                status: int,
                start_time: str,
                join_time: str,
                updated: str,
                welcome: {
                  type: 'object',
                  nullable: true,
                  description:
                    "The welcome of the lead's latest /start (invite link and message): pending, delivered or failed",
                  properties: {
                    state: { type: 'string', enum: ['pending', 'delivered', 'failed'] },
                    attempts: { ...int, description: 'Bot API calls for it that failed' },
                    last_error: str,
                  },
                },
              },
            },
          },
          { total: int },
        ),
      },
    },
    '/api/leads/export.csv': {
      get: {
        summary: 'All leads matching the list filters, as CSV',
        parameters: [campaignParam, statusParam, ...range],
        responses: {
          '200': { description: 'text/csv', content: { 'text/csv': { schema: str } } },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/api/journal/list.json': {
      get: {
        summary: 'Chat join/leave journal, newest first',
        parameters: [
          q('bot', 'Bot id', id),
          q('chat', 'Telegram chat id'),
          q('action', 'request|approve|join|leave|ban', {
            enum: ['request', 'approve', 'join', 'leave', 'ban'],
          }),
          ...range,
          ...page,
        ],
        responses: ok(
          {
            type: 'array',
            items: {
              type: 'object',
              properties: { id: int, subscriber: int, username: str, action: str, paid: int, time: str },
            },
          },
          { total: int },
        ),
      },
    },
    '/api/stats/summary.json': {
      get: {
        summary: 'Counters over a range',
        parameters: [campaignParam, ...range],
        responses: ok({
          type: 'object',
          properties: {
            ...Object.fromEntries(counters.map((c) => [c, int])),
            cr: { type: 'number' },
            organic_joins: int,
            organic_leaves: int,
          },
        }),
      },
    },
    '/api/stats/series.json': {
      get: {
        summary: 'Per-day counters (default: the last 30 days)',
        parameters: [campaignParam, ...range],
        responses: ok({
          type: 'array',
          items: {
            type: 'object',
            properties: { date: str, starts: int, confirms: int, cancels: int, trashes: int, organic: int },
          },
        }),
      },
    },
    '/api/admin/accounts/add.json': {
      post: {
        summary: 'Create an account',
        security: [{ admin: [] }],
        requestBody: json(
          {
            name: nonEmpty(200),
            timezone: { enum: [...zones, null], description: 'IANA time zone, default UTC' },
          },
          ['name'],
        ),
        responses: ok({ type: 'object', properties: { id: int, api_key: str } }),
      },
    },
    '/api/admin/accounts/rotate.json': {
      post: {
        summary: "Replace an account's API key",
        security: [{ admin: [] }],
        requestBody: json({ account: id }, ['account']),
        responses: ok({ type: 'object', properties: { id: int, api_key: str } }),
      },
    },
    '/api/account/rotate.json': {
      post: {
        summary: 'Replace the calling API key',
        responses: ok({ type: 'object', properties: { id: int, api_key: str } }),
      },
    },
    '/api/bots/add.json': {
      post: {
        summary: 'Register a bot by token (checked with getMe)',
        requestBody: json({ token: { type: 'string', pattern: '^\\s*\\d+:[A-Za-z0-9_-]{20,}\\s*$' } }, [
          'token',
        ]),
        responses: ok({ type: 'object', properties: { id: int, username: str, webhook: str } }),
      },
    },
    '/api/bots/list.json': {
      get: {
        summary: 'Bots of the account',
        responses: ok({
          type: 'array',
          items: {
            type: 'object',
            properties: {
              id: int,
              username: str,
              status: {
                type: 'string',
                enum: ['ok', 'token_revoked'],
                description: 'token_revoked: add the bot again',
              },
            },
          },
        }),
      },
    },
    '/api/chats/list.json': {
      get: {
        summary: 'Chats where the bot is an administrator',
        parameters: [
          q('bot', 'Bot id', id),
          q('all', '1: also chats where the bot lost its rights (not_admin) or left (removed)', {
            enum: ['', '0', '1', 'true', 'false'],
          }),
        ],
        responses: ok({
          type: 'array',
          items: {
            type: 'object',
            properties: {
              id: int,
              bot: int,
              title: str,
              type: str,
              username: str,
              status: { type: 'string', enum: ['ok', 'not_admin', 'removed'] },
            },
          },
        }),
      },
    },
    '/api/campaigns/add.json': {
      post: {
        summary: 'Create a campaign',
        requestBody: json(
          {
            name: nonEmpty(200),
            bot: id,
            chat: int,
            join_mode: { enum: ['request', 'direct'] },
            welcome: { type: 'string', maxLength: 4096 },
            postbacks,
            method: { enum: ['GET', 'POST'] },
            body: { type: 'string', maxLength: 8192 },
            unsub_window: { type: 'integer', minimum: 0, maximum: 24 * 365 * 10 },
            default: { type: 'boolean' },
          },
          ['name', 'bot', 'chat', 'join_mode'],
        ),
        responses: ok({ type: 'object', properties: { id: int, code: str, link: str } }),
      },
    },
    '/api/campaigns/edit.json': {
      post: {
        summary: 'Change a campaign (id + any field of add)',
        requestBody: json({ id }, ['id']),
        responses: ok({ type: 'object' }),
      },
    },
    '/api/campaigns/list.json': {
      get: {
        summary: 'Campaigns of the account, each with what keeps it from working (health)',
        responses: ok({
          type: 'array',
          items: {
            type: 'object',
            properties: { health: { type: 'string', enum: ['ok', 'token_revoked', 'not_admin', 'removed'] } },
          },
        }),
      },
    },
    '/api/postbacks/global.json': {
      post: {
        summary: 'Account-wide postback templates',
        requestBody: json({ postbacks }, ['postbacks']),
        responses: ok({ type: 'object' }),
      },
    },
    '/api/postbacks/list.json': {
      get: {
        summary: 'Postback deliveries with their attempt log, newest first',
        parameters: [
          campaignParam,
          statusParam,
          q('state', 'pending|delivered|failed', { enum: ['pending', 'delivered', 'failed'] }),
          ...range,
          ...page,
        ],
        responses: ok({ type: 'array' }, { total: int }),
      },
    },
    '/api/postbacks/resend.json': {
      post: {
        summary: 'Send one delivery again now',
        requestBody: json({ id: nonEmpty() }, ['id']),
        responses: ok({ type: 'object' }),
      },
    },
    '/api/postbacks/secret.json': {
      post: {
        summary:
          'Start or rotate postback signing (X-Signature: t=<unix>,v1=<HMAC-SHA256 of "t.METHOD.url.body">); the new key is shown once, the replaced one signs beside it for 24 h; off stops signing',
        requestBody: json({ campaign: { anyOf: [id, { type: 'null' }] }, off: { type: 'boolean' } }, []),
        responses: ok({
          type: 'object',
          properties: {
            campaign: { type: ['integer', 'null'] },
            secret: { type: ['string', 'null'] },
            previous_valid_until: { type: ['string', 'null'] },
          },
        }),
      },
    },
    '/health': {
      get: {
        summary: 'Liveness: the process runs',
        security: [],
        responses: {
          '200': { description: 'alive', content: { 'application/json': { schema: { type: 'object' } } } },
        },
      },
    },
    '/ready': {
      get: {
        summary: 'Readiness: the store and the event log answer (503 naming what does not)',
        security: [],
        responses: {
          '200': { description: 'ready', content: { 'application/json': { schema: { type: 'object' } } } },
          '503': { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/telegram/webhook/{botId}': {
      post: {
        summary: 'Telegram webhook (X-Telegram-Bot-Api-Secret-Token required)',
        security: [],
        parameters: [{ name: 'botId', in: 'path', required: true, schema: int }],
        responses: {
          '200': { description: 'accepted: the update is durable in the event log' },
          '400': { description: 'the body is not JSON' },
          '401': { description: 'missing or wrong secret header' },
          '404': { description: 'unknown bot' },
          '413': { description: 'the body is over 1 MB' },
          '500': { description: 'the update could not be stored; Telegram delivers it again' },
        },
      },
    },
  },
};
