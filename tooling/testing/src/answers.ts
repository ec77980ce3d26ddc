/**
 * What a user sees of a run, for comparing two runs of the same traffic (the crash suite, the
 * chaos tool): every API answer with the fields the contract leaves free removed, and deliveries
 * counted per key.
 */

/** What the API answers once everything settled, with the fields the contract leaves free removed. */
export interface Answers {
  leads: unknown[];
  journal: unknown[];
  summary: unknown;
  series: unknown;
  postbacks: unknown[];
}

/** Reads the product's API: a GET answering the body of a successful answer. */
export interface ApiReader {
  get<T>(route: string, params?: Record<string, string | number>): Promise<T>;
}

/** Every page of a list, `limit` 200 at a time. */
async function allPages(api: ApiReader, route: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (let offset = 0; ; offset += 200) {
    const page = await api.get<{ data: Record<string, unknown>[]; total: number }>(route, {
      limit: 200,
      offset,
    });
    rows.push(...page.data);
    if (page.data.length < 200) return rows;
  }
}

const without = (row: Record<string, unknown>, keys: string[]) =>
  Object.fromEntries(Object.entries(row).filter(([k]) => !keys.includes(k)));
const byJson = (a: unknown, b: unknown) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);

/**
 * The answers a user sees. Free to differ between two runs, and so left out: lead, journal and
 * postback ids (log positions, which derived events interleave differently), a welcome's failed
 * attempts and a postback's attempt log (a crash can interrupt an attempt), and the receiver's port
 * in a postback's URL. Everything else must be
 * equal; rows are compared as sets, since rows of the same second have no contract order.
 */
export async function collectAnswers(api: ApiReader, range: { from: number; to: number }): Promise<Answers> {
  const leads = (await allPages(api, '/api/leads/list.json')).map((l) => ({
    ...without(l, ['id', 'welcome']),
    welcome: (l['welcome'] as { state?: string } | null)?.state ?? null,
  }));
  const journal = (await allPages(api, '/api/journal/list.json')).map((r) => without(r, ['id']));
  const postbacks = (await allPages(api, '/api/postbacks/list.json')).map((p) => {
    // Each run has its own receiver, on its own port.
    const url = new URL(String(p['url']));
    return {
      ...without(p, ['id', 'lead', 'attempts', 'last_http_status', 'next_attempt', 'log']),
      url: url.pathname + url.search,
    };
  });
  return {
    leads: leads.sort(byJson),
    journal: journal.sort(byJson),
    summary: (await api.get<{ data: unknown }>('/api/stats/summary.json')).data,
    series: (await api.get<{ data: unknown }>('/api/stats/series.json', range)).data,
    postbacks: postbacks.sort(byJson),
  };
}

/** Extra deliveries beyond one per key, and keys never delivered, against the reference run. */
export function doubles<K>(
  reference: Map<K, number>,
  run: Map<K, number>,
): { extra: number; missing: number } {
  let extra = 0;
  let missing = 0;
  for (const key of reference.keys()) {
    const n = run.get(key) ?? 0;
    if (n === 0) missing++;
    else extra += n - 1;
  }
  for (const key of run.keys()) if (!reference.has(key)) missing++;
  return { extra, missing };
}
