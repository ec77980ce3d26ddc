import type { Summary } from './expected';

export class ProductApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ProductApiError';
  }
}

interface Envelope {
  status?: string;
  data?: unknown;
  error?: string;
  message?: string;
}

/** The parts of the product's HTTP API (SPEC §7) the simulator needs. */
export class ProductClient {
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly apiKey?: string,
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  withKey(apiKey: string): ProductClient {
    return new ProductClient(this.base, apiKey);
  }

  private async request<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const init: RequestInit = { method, headers: { ...headers } };
    if (this.apiKey) (init.headers as Record<string, string>).authorization = `Bearer ${this.apiKey}`;
    if (body !== undefined) {
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, init);
    } catch (e) {
      throw new ProductApiError(
        `${method} ${path}: cannot reach the product at ${this.base} (${(e as Error).message})`,
        0,
      );
    }
    const text = await res.text();
    let parsed: Envelope;
    try {
      parsed = JSON.parse(text) as Envelope;
    } catch {
      throw new ProductApiError(
        `${method} ${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`,
        res.status,
      );
    }
    if (!res.ok || parsed.status !== 'ok') {
      throw new ProductApiError(
        `${method} ${path}: HTTP ${res.status} ${parsed.error ?? ''} ${parsed.message ?? ''}`.trim(),
        res.status,
        parsed.error,
      );
    }
    return parsed.data as T;
  }

  createAccount(
    adminToken: string,
    name: string,
    timezone = 'UTC',
  ): Promise<{ id: number | string; api_key: string }> {
    return this.request(
      'POST',
      '/api/admin/accounts/add.json',
      { name, timezone },
      { 'x-admin-token': adminToken },
    );
  }

  addBot(token: string): Promise<{ id: number | string; username: string }> {
    return this.request('POST', '/api/bots/add.json', { token });
  }

  listChats(botId: number | string): Promise<unknown> {
    return this.request('GET', `/api/chats/list.json?bot=${encodeURIComponent(String(botId))}`);
  }

  addCampaign(campaign: {
    name: string;
    bot: number | string;
    chat: number | string;
    join_mode: 'request' | 'direct';
    welcome?: string;
  }): Promise<{ id: number | string; code: string; link: string }> {
    return this.request('POST', '/api/campaigns/add.json', campaign);
  }

  summary(query: { campaign?: number | string; from: number; to: number }): Promise<Summary> {
    const params = new URLSearchParams({ from: String(query.from), to: String(query.to) });
    if (query.campaign !== undefined) params.set('campaign', String(query.campaign));
    return this.request('GET', `/api/stats/summary.json?${params.toString()}`);
  }
}

/**
 * Finds the product's record of a Telegram chat in a chats/list answer, whatever its exact shape
 * (an array, or an object holding one), and returns the id to use as `chat` in campaigns: the
 * record's own `id`.
 */
export function findChatRecord(data: unknown, telegramChatId: number): { id: number | string } | undefined {
  const list: unknown[] = Array.isArray(data)
    ? data
    : data && typeof data === 'object'
      ? Object.values(data as Record<string, unknown>).flatMap((v): unknown[] =>
          Array.isArray(v) ? (v as unknown[]) : [],
        )
      : [];
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const record = item as Record<string, unknown>;
    const mentions = Object.values(record).some((v) => v === telegramChatId || v === String(telegramChatId));
    if (mentions) {
      const id = record.id;
      return { id: typeof id === 'number' || typeof id === 'string' ? id : telegramChatId };
    }
  }
  return undefined;
}
