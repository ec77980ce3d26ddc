import type {
  AccountInfo,
  ApiKey,
  Bot,
  Campaign,
  CampaignBody,
  Chat,
  Delivery,
  ErrorBody,
  JournalRow,
  Lead,
  NewAccountBody,
  NewBot,
  NewCampaign,
  Page,
  Resent,
  SeriesDay,
  Setup,
  Summary,
  TestPostback,
  TestPostbackBody,
} from './types';

/** A refusal of the API: its HTTP status, its short code and its message, shown as they are. */
export class ApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type Params = Record<string, string | number | boolean | undefined>;

/** `?a=1&b=x` of the parameters that are set; empty strings count as unset. */
export function queryString(params: Params = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== '') q.set(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

interface RequestOptions {
  method?: 'GET' | 'POST';
  params?: Params;
  body?: unknown;
  key?: string | null;
  headers?: Record<string, string>;
}

/** One call: the envelope's `status:"ok"` answer unwrapped, anything else thrown as ApiError. */
async function call<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (opts.key) headers['authorization'] = `Bearer ${opts.key}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path + queryString(opts.params), {
      method: opts.method ?? 'GET',
      headers,
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
  } catch (err) {
    throw new ApiError(0, 'network', `the server could not be reached (${(err as Error).message})`);
  }
  let json: unknown;
  try {
    json = await res.json();
  } catch {
    throw new ApiError(res.status, 'func', `unexpected answer (HTTP ${res.status})`);
  }
  const body = json as { status?: string; data?: unknown; total?: unknown } & Partial<
    Omit<ErrorBody, 'status'>
  >;
  if (!res.ok || body.status !== 'ok')
    throw new ApiError(res.status, body.error ?? 'func', body.message ?? `HTTP ${res.status}`);
  return (body.total !== undefined ? { data: body.data, total: body.total } : body.data) as T;
}

/** Calls that need no key. */
export const publicApi = {
  setup: () => call<Setup>('/api/setup.json'),
  createAccount: (adminToken: string, body: NewAccountBody) =>
    call<ApiKey>('/api/admin/accounts/add.json', {
      method: 'POST',
      body,
      headers: { 'x-admin-token': adminToken },
    }),
  accountInfo: (key: string) => call<AccountInfo>('/api/account/info.json', { key }),
};

export interface ListParams extends Params {
  limit?: number;
  offset?: number;
  from?: number;
  to?: number;
}

/** The calls of a signed-in session; `onUnauthorized` runs on any 401 before the error is thrown. */
export function createApi(key: string, onUnauthorized: () => void) {
  const get = async <T>(path: string, params?: Params): Promise<T> => guard(call<T>(path, { key, params }));
  const post = async <T>(path: string, body: unknown = {}): Promise<T> =>
    guard(call<T>(path, { method: 'POST', key, body }));
  const guard = async <T>(p: Promise<T>): Promise<T> => {
    try {
      return await p;
    } catch (err) {
      if (err instanceof ApiError && err.httpStatus === 401) onUnauthorized();
      throw err;
    }
  };
  return {
    key,
    accountInfo: () => get<AccountInfo>('/api/account/info.json'),
    rotateKey: () => post<ApiKey>('/api/account/rotate.json'),
    summary: (p: { campaign?: number; from?: number; to?: number }) =>
      get<Summary>('/api/stats/summary.json', p),
    series: (p: { campaign?: number; from?: number; to?: number }) =>
      get<SeriesDay[]>('/api/stats/series.json', p),
    leads: (p: ListParams & { campaign?: number; status?: number }) =>
      get<Page<Lead>>('/api/leads/list.json', p),
    /** The streamed CSV export with these filters; the key rides as `id`, since a download link sends no header. */
    leadsExportUrl: (p: { campaign?: number; status?: number; from?: number; to?: number }) =>
      `/api/leads/export.csv${queryString({ id: key, ...p })}`,
    journal: (p: ListParams & { bot?: number; chat?: number; action?: string }) =>
      get<Page<JournalRow>>('/api/journal/list.json', p),
    bots: () => get<Bot[]>('/api/bots/list.json'),
    addBot: (token: string) => post<NewBot>('/api/bots/add.json', { token }),
    chats: (bot?: number) => get<Chat[]>('/api/chats/list.json', { bot, all: true }),
    campaigns: () => get<Campaign[]>('/api/campaigns/list.json'),
    addCampaign: (body: CampaignBody) => post<NewCampaign>('/api/campaigns/add.json', body),
    editCampaign: (id: number, body: CampaignBody) =>
      post<Campaign>('/api/campaigns/edit.json', { id, ...body }),
    postbacks: (p: ListParams & { campaign?: number; state?: string; lead?: number }) =>
      get<Page<Delivery>>('/api/postbacks/list.json', p),
    resend: (id: string) => post<Resent>('/api/postbacks/resend.json', { id }),
    testPostback: (body: TestPostbackBody) => post<TestPostback>('/api/postbacks/test.json', body),
  };
}

export type Api = ReturnType<typeof createApi>;
