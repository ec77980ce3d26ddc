import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ScenarioError, TelegramApiError } from './errors';
import { FakeTelegram, type FakeTelegramOptions } from './fake-telegram';
import type { Ref } from './records';
import type { AdminRights } from './types';

const MAX_BODY = 50 * 1024 * 1024;
const BOT_PATH = /^\/bot([^/]+)\/([^/]*)$/;

export interface StartFakeTelegramOptions extends FakeTelegramOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Serve an existing instance instead of a new one. */
  fake?: FakeTelegram;
}

export interface RunningFakeTelegram {
  /** Base URL, e.g. http://127.0.0.1:8081 — use it as telegraf's apiRoot / TELEGRAM_API_ROOT. */
  url: string;
  port: number;
  fake: FakeTelegram;
  server: Server;
  close(): Promise<void>;
}

export async function startFakeTelegram(opts: StartFakeTelegramOptions = {}): Promise<RunningFakeTelegram> {
  const fake = opts.fake ?? new FakeTelegram(opts);
  const server = createServer(createRequestHandler(fake));
  // Long polls would otherwise be cut by Node's default request timeout.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 65_000;
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    fake,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        fake.dispose();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The Bot API and /_fake control endpoints as a plain Node request handler. */
export function createRequestHandler(
  fake: FakeTelegram,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(fake, req, res).catch((e: unknown) => {
      console.error('fake-telegram: unexpected error', e);
      if (!res.headersSent)
        send(res, 500, { ok: false, error_code: 500, description: 'Internal Server Error' });
      else res.end();
    });
  };
}

async function handle(fake: FakeTelegram, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake');
  if (url.pathname.startsWith('/_fake/')) {
    await handleControl(fake, req, res, url);
    return;
  }
  const match = BOT_PATH.exec(url.pathname);
  if (!match || !match[2]) {
    send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    return;
  }
  const token = decodeURIComponent(match[1] as string);
  const method = match[2];
  let params: Record<string, unknown>;
  try {
    params = {
      ...Object.fromEntries(url.searchParams),
      ...parseBody(await readBody(req), req.headers['content-type']),
    };
  } catch (e) {
    const err =
      e instanceof TelegramApiError ? e : new TelegramApiError(400, 'Bad Request: invalid request body');
    send(res, err.errorCode, err.toJSON());
    return;
  }
  // A client that gives up on a long poll must not keep its slot (it would swallow updates).
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableEnded) abort.abort();
  });
  try {
    const answer = await fake.callMethod(token, method, params, { signal: abort.signal });
    const body: Record<string, unknown> = { ok: true, result: answer.result };
    if (answer.description) body.description = answer.description;
    send(res, 200, body);
  } catch (e) {
    if (e instanceof TelegramApiError) send(res, e.errorCode, e.toJSON());
    else throw e;
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new TelegramApiError(413, 'Request Entity Too Large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** JSON (telegraf), form-urlencoded and multipart text fields, as the real Bot API accepts. */
export function parseBody(body: Buffer, contentType: string | undefined): Record<string, unknown> {
  if (body.length === 0) return {};
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
  }
  if (type.startsWith('multipart/form-data')) {
    const boundary = /boundary="?([^";]+)"?/i.exec(contentType ?? '')?.[1];
    if (!boundary) throw new TelegramApiError(400, 'Bad Request: invalid multipart boundary');
    return parseMultipart(body.toString('latin1'), boundary);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new TelegramApiError(400, "Bad Request: can't parse JSON object");
  }
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : {};
}

function parseMultipart(raw: string, boundary: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const part of raw.split(`--${boundary}`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const head = part.slice(0, split);
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    // Uploaded files are accepted and ignored: the fake has no media.
    if (!name || /filename=/i.test(head)) continue;
    const value = part.slice(split + 4).replace(/\r\n$/, '');
    out[name] = Buffer.from(value, 'latin1').toString('utf8');
  }
  return out;
}

// ------------------------------------------------------------------ control endpoints

class Body {
  constructor(private readonly raw: Record<string, unknown>) {}
  private get(name: string): unknown {
    const v = this.raw[name];
    return v === null || v === '' ? undefined : v;
  }
  num(name: string): number {
    const v = this.optNum(name);
    if (v === undefined) throw new ScenarioError(`${name} is required`);
    return v;
  }
  optNum(name: string): number | undefined {
    const v = this.get(name);
    if (v === undefined) return undefined;
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n)) throw new ScenarioError(`${name} must be a number`);
    return n;
  }
  str(name: string): string {
    const v = this.optStr(name);
    if (v === undefined) throw new ScenarioError(`${name} is required`);
    return v;
  }
  optStr(name: string): string | undefined {
    const v = this.get(name);
    return v === undefined ? undefined : typeof v === 'string' ? v : JSON.stringify(v);
  }
  optBool(name: string): boolean | undefined {
    const v = this.get(name);
    if (v === undefined) return undefined;
    return v === true || v === 'true' || v === '1' || v === 1;
  }
  obj(name: string): Record<string, unknown> {
    const v = this.get(name);
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ScenarioError(`${name} must be an object`);
    return v as Record<string, unknown>;
  }
  ref(name: string): Ref {
    return this.num(name);
  }
  optRef(name: string): Ref | undefined {
    return this.optNum(name);
  }
}

type Action = (fake: FakeTelegram, b: Body) => unknown;

const omitUndefined = <T extends Record<string, unknown>>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** POST /_fake/<name> with a JSON body; ids and snake_case fields as documented in the README. */
const isJoinMode = (mode: string): mode is 'request' | 'direct' => mode === 'request' || mode === 'direct';

const ACTIONS: Record<string, Action> = {
  createBot: (f, b) =>
    f.createBot(omitUndefined({ username: b.str('username'), first_name: b.optStr('first_name') })),
  createUser: (f, b) =>
    f.createUser(
      omitUndefined({
        first_name: b.str('first_name'),
        last_name: b.optStr('last_name'),
        username: b.optStr('username'),
        language_code: b.optStr('language_code'),
      }),
    ),
  createChat: (f, b) => {
    const type = b.str('type');
    if (type !== 'supergroup' && type !== 'channel')
      throw new ScenarioError('type must be supergroup or channel');
    return f.createChat(
      omitUndefined({
        title: b.str('title'),
        type,
        username: b.optStr('username'),
        creator: b.optRef('creator_id'),
      }),
    );
  },
  addBotToChat: (f, b) =>
    f.addBotToChat(
      b.ref('bot_id'),
      b.ref('chat_id'),
      omitUndefined({
        admin: b.optBool('admin'),
        by: b.optRef('by_id'),
        rights: b.optStr('rights') === undefined ? undefined : (b.obj('rights') as Partial<AdminRights>),
      }),
    ),
  removeBotFromChat: (f, b) => {
    const status = b.optStr('status');
    if (status !== undefined && status !== 'left' && status !== 'kicked')
      throw new ScenarioError('status must be left or kicked');
    return f.removeBotFromChat(
      b.ref('bot_id'),
      b.ref('chat_id'),
      b.optRef('by_id'),
      status ? { status } : {},
    );
  },
  createInviteLink: (f, b) =>
    f.createInviteLink(
      b.ref('chat_id'),
      b.ref('creator_id'),
      omitUndefined({
        name: b.optStr('name'),
        expire_date: b.optNum('expire_date'),
        member_limit: b.optNum('member_limit'),
        creates_join_request: b.optBool('creates_join_request'),
      }),
    ),
  userStartsBot: (f, b) => f.userStartsBot(b.ref('user_id'), b.ref('bot_id'), b.optStr('payload')),
  userBlocksBot: (f, b) => f.userBlocksBot(b.ref('user_id'), b.ref('bot_id')),
  userRequestsJoin: (f, b) => f.userRequestsJoin(b.ref('user_id'), b.ref('chat_id'), b.optStr('invite_link')),
  adminApprovesJoin: (f, b) => f.adminApprovesJoin(b.ref('chat_id'), b.ref('user_id'), b.optRef('by_id')),
  adminDeclinesJoin: (f, b) => f.adminDeclinesJoin(b.ref('chat_id'), b.ref('user_id'), b.optRef('by_id')),
  userJoins: (f, b) => f.userJoins(b.ref('user_id'), b.ref('chat_id'), b.optStr('invite_link')),
  userLeaves: (f, b) =>
    f.userLeaves(b.ref('user_id'), b.ref('chat_id'), { unannounced: b.optBool('unannounced') ?? false }),
  adminBans: (f, b) => {
    const until = b.optNum('until_date');
    return f.adminBans(
      b.ref('chat_id'),
      b.ref('user_id'),
      b.optRef('by_id'),
      until === undefined ? {} : { untilDate: until },
    );
  },
  adminKicks: (f, b) => f.adminKicks(b.ref('chat_id'), b.ref('user_id'), b.optRef('by_id')),
  adminUnbans: (f, b) => f.adminUnbans(b.ref('chat_id'), b.ref('user_id'), b.optRef('by_id')),
  pushUpdate: (f, b) => f.pushUpdate(b.ref('bot_id'), b.obj('update')),
  generateTraffic: (f, b) => {
    const joinMode = b.optStr('join_mode');
    if (joinMode !== undefined && !isJoinMode(joinMode)) {
      throw new ScenarioError('join_mode must be request or direct');
    }
    return f.generateTraffic(
      omitUndefined({
        bot: b.ref('bot_id'),
        chat: b.ref('chat_id'),
        subscribers: b.num('subscribers'),
        organic: b.optNum('organic'),
        campaignCode: b.optStr('campaign_code'),
        joinMode,
        joinRate: b.optNum('join_rate'),
        approveRate: b.optNum('approve_rate'),
        leaveRate: b.optNum('leave_rate'),
        banRate: b.optNum('ban_rate'),
        seed: b.optNum('seed'),
        stepSeconds: b.optNum('step_seconds'),
      }),
    );
  },
  failNext: (f, b) =>
    f.failNext(
      omitUndefined({
        method: b.str('method'),
        bot: b.optRef('bot_id'),
        error_code: b.num('error_code'),
        description: b.str('description'),
        retry_after: b.optNum('retry_after'),
        times: b.optNum('times'),
      }),
    ),
  configureNetwork: (f, b) => {
    const min = b.optNum('latency_ms');
    const max = b.optNum('latency_max_ms');
    return f.configureNetwork(
      omitUndefined({
        latencyMs: min === undefined ? undefined : max === undefined ? min : ([min, max] as [number, number]),
        floodLimitPerSecond: b.optNum('flood_limit_per_second'),
      }),
    );
  },
  setTime: (f, b) => {
    f.setTime(b.num('time'), { ticking: b.optBool('ticking') ?? false });
    return { now: f.now() };
  },
  advanceTime: (f, b) => {
    f.advanceTime(b.num('seconds'));
    return { now: f.now() };
  },
  resetTime: (f) => {
    f.resetTime();
    return { now: f.now() };
  },
};

/** GET /_fake/<name>?query — read-only views. */
const VIEWS: Record<string, Action> = {
  health: (f) => ({ now: f.now() }),
  time: (f) => ({ now: f.now(), frozen: f.clock.frozen }),
  state: (f) => f.snapshot(),
  messages: (f, b) => {
    const target = b.optNum('chat_id') ?? b.optNum('user_id');
    return target === undefined ? f.allMessages() : f.messagesSentTo(target);
  },
  updates: (f, b) => f.updatesFor(b.ref('bot_id')),
  pending: (f, b) => f.pendingUpdates(b.ref('bot_id')),
  deliveries: (f, b) => f.deliveries(b.optRef('bot_id')),
  calls: (f, b) => f.apiCalls(b.optRef('bot_id')),
  bot: (f, b) => f.getBot(b.ref('bot_id')) ?? null,
  member: (f, b) => f.chatMember(b.ref('chat_id'), b.ref('user_id')),
  inviteLink: (f, b) => f.inviteLink(b.str('invite_link')) ?? null,
  joinRequests: (f, b) => f.pendingJoinRequests(b.ref('chat_id')),
};

async function handleControl(
  fake: FakeTelegram,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const name = url.pathname.slice('/_fake/'.length);
  try {
    if (name === 'idle') {
      const timeoutMs = Number(url.searchParams.get('timeout_ms') ?? 60_000);
      try {
        await fake.idle({ timeoutMs: Number.isFinite(timeoutMs) ? timeoutMs : 60_000 });
        send(res, 200, { ok: true, result: { idle: true } });
      } catch (e) {
        send(res, 408, { ok: false, error: (e as Error).message, pending: fake.pendingCounts() });
      }
      return;
    }
    const query = Object.fromEntries(url.searchParams);
    if (req.method === 'GET') {
      const view = VIEWS[name];
      if (!view) {
        send(res, 404, { ok: false, error: `unknown control endpoint GET /_fake/${name}` });
        return;
      }
      send(res, 200, { ok: true, result: view(fake, new Body(query)) ?? null });
      return;
    }
    const action = ACTIONS[name];
    if (req.method !== 'POST' || !action) {
      send(res, 404, { ok: false, error: `unknown control endpoint ${req.method ?? ''} /_fake/${name}` });
      return;
    }
    const raw = await readBody(req);
    let body: Record<string, unknown> = {};
    if (raw.length > 0) {
      const parsed: unknown = JSON.parse(raw.toString('utf8'));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new ScenarioError('body must be a JSON object');
      body = parsed as Record<string, unknown>;
    }
    send(res, 200, { ok: true, result: (await action(fake, new Body({ ...query, ...body }))) ?? null });
  } catch (e) {
    if (e instanceof ScenarioError || e instanceof SyntaxError || e instanceof RangeError) {
      send(res, 400, { ok: false, error: e.message });
    } else if (e instanceof TelegramApiError) {
      send(res, 400, { ok: false, error: e.description });
    } else {
      throw e;
    }
  }
}

export const CONTROL_ACTIONS: readonly string[] = Object.keys(ACTIONS);
export const CONTROL_VIEWS: readonly string[] = [...Object.keys(VIEWS), 'idle'];
