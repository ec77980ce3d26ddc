import {
  Api,
  botWithChat,
  createAccount,
  metricSample as sample,
  startStack,
  type EmbeddedStack,
} from './harness';

const METRICS_TOKEN = 'e2e-metrics-token';

// What an operator's Prometheus scrapes from the embedded product after real traffic.
describe('embedded: GET /metrics', () => {
  let stack: EmbeddedStack;
  beforeAll(async () => {
    stack = await startStack({ env: { METRICS_TOKEN } });
  }, 120_000);
  afterAll(async () => stack?.close());

  const scrape = (authorization?: string) =>
    fetch(`${stack.url}/metrics`, { headers: authorization ? { authorization } : {} });

  it('asks for the metrics token when one is set', async () => {
    for (const auth of [undefined, 'Bearer wrong-token', METRICS_TOKEN]) {
      const res = await scrape(auth);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ status: 'error', error: 'key' });
    }
  });

  it('counts the updates of a bot, the batches of each projection, their lag and the API requests', async () => {
    const { api } = await createAccount(stack, 'metrics');
    const { bot, chat } = await botWithChat(stack, api, 'metrics_bot', 'Metrics chat');
    const users = Array.from({ length: 5 }, (_, i) =>
      stack.telegram.fake.createUser({ first_name: `M${i}` }),
    );
    for (const user of users) stack.telegram.fake.userJoins(user, chat);
    await stack.settled();
    expect((await api.get('/api/journal/list.json')).status).toBe(200);
    await new Api(stack, 'not-a-key').get('/api/leads/list.json');

    const res = await scrape(`Bearer ${METRICS_TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();

    // The bot joining the chat, then five organic joins: six events from its updates.
    expect(sample(text, 'subtrack_telegram_events_appended_total', { bot: String(bot.id) })).toBe(6);
    expect(sample(text, 'subtrack_events_appended_total', { topic: 'telegram-events' })).toBe(6);
    expect(sample(text, 'subtrack_events_appended_total', { topic: 'lead-events' })).toBe(5);
    expect(sample(text, 'subtrack_consumer_events_total', { group: 'lead-projection' })).toBe(6);
    expect(sample(text, 'subtrack_consumer_events_total', { group: 'stats' })).toBe(5);
    expect(
      sample(text, 'subtrack_consumer_lag', { group: 'lead-projection', topic: 'telegram-events' }),
    ).toBe(0);
    expect(sample(text, 'subtrack_consumer_lag', { group: 'stats', topic: 'lead-events' })).toBe(0);
    expect(
      sample(text, 'subtrack_consumer_batch_duration_seconds_count', {
        group: 'lead-projection',
        outcome: 'ok',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'http_request_duration_seconds_count', {
        method: 'GET',
        route: '/api/journal/list.json',
        status: '200',
      }),
    ).toBe(1);
    expect(
      sample(text, 'http_request_duration_seconds_count', {
        method: 'GET',
        route: '/api/leads/list.json',
        status: '401',
      }),
    ).toBe(1);
    // Telegram's updates come by webhook: the route is timed like any other.
    expect(
      sample(text, 'http_request_duration_seconds_count', {
        method: 'POST',
        route: '/telegram/webhook/:botId',
        status: '200',
      }),
    ).toBeGreaterThanOrEqual(6);
    // Paths are never labels: only route patterns are.
    expect(text).not.toContain('route="/metrics?');
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    // Both consumers in their group; both outboxes empty, nothing overdue.
    expect(sample(text, 'subtrack_consumer_joined', { group: 'lead-projection' })).toBe(1);
    expect(sample(text, 'subtrack_consumer_joined', { group: 'stats' })).toBe(1);
    for (const outbox of ['postbacks', 'welcomes']) {
      expect(sample(text, 'subtrack_outbox_pending', { outbox })).toBe(0);
      expect(sample(text, 'subtrack_outbox_oldest_due_age_seconds', { outbox })).toBe(0);
    }
  });

  it('times every Bot API call by method and outcome, flood control apart', async () => {
    const { api } = await createAccount(stack, 'bot-api');
    const bot = stack.telegram.fake.createBot({ username: 'flooded_bot' });
    stack.telegram.fake.failNext({
      method: 'getMe',
      bot,
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      retry_after: 1,
    });
    expect((await api.post('/api/bots/add.json', { token: bot.token })).status).not.toBe(200);
    expect((await api.post('/api/bots/add.json', { token: bot.token })).status).toBe(200);

    const text = await (await scrape(`Bearer ${METRICS_TOKEN}`)).text();
    const calls = (method: string, outcome: string) =>
      sample(text, 'subtrack_telegram_api_call_duration_seconds_count', { method, outcome });
    expect(calls('getMe', '429')).toBe(1);
    // The earlier test's bot, and this one once Telegram let it through.
    expect(calls('getMe', 'ok')).toBeGreaterThanOrEqual(2);
    expect(calls('sendMessage', '429')).toBeUndefined();
  });

  it("answers every API request with a request id: the caller's, or a new one", async () => {
    const given = await fetch(`${stack.url}/api/leads/list.json`, {
      headers: { 'x-request-id': 'trace-7f3a' },
    });
    expect(given.headers.get('x-request-id')).toBe('trace-7f3a');
    const made = await fetch(`${stack.url}/api/leads/list.json`, {
      headers: { 'x-request-id': 'not an id: spaces, and far too long '.repeat(5) },
    });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
