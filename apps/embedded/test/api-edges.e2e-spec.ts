import { botWithChat, createAccount, startStack, type EmbeddedStack } from './harness';

// Answers at the edges of the contract, found by fuzzing the API and the webhook.
describe('embedded: the edges of the HTTP contract', () => {
  let stack: EmbeddedStack;
  beforeAll(async () => {
    stack = await startStack();
  }, 120_000);
  afterAll(async () => stack?.close());

  it('serves the dashboard at / from its build: hashed assets cached long, nothing outside them', async () => {
    const home = await fetch(`${stack.url}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toContain('text/html');
    expect(home.headers.get('cache-control')).toBe('no-cache');
    const html = await home.text();
    expect(html).not.toMatch(/https?:\/\//);
    const assets = html.match(/\/assets\/[\w.-]+/g)!;
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    for (const src of assets) {
      const asset = await fetch(`${stack.url}${src}`);
      expect({ src, status: asset.status }).toEqual({ src, status: 200 });
      expect(asset.headers.get('cache-control')).toContain('immutable');
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(100);
    }
    for (const probe of [
      '/assets/nope.js',
      '/assets/..%2Fpackage.json',
      '/assets/..%2F..%2Fpackage.json',
      '/package.json',
    ])
      expect({ probe, status: (await fetch(`${stack.url}${probe}`)).status }).toEqual({ probe, status: 404 });
  });

  it('serves the interactive API reference at /docs from bundled files', async () => {
    const page = await fetch(`${stack.url}/docs`);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain("url: '/api/docs'");
    expect(html).not.toMatch(/https?:\/\//);
    for (const src of html.match(/\/docs\/[\w.-]+/g)!) {
      const asset = await fetch(`${stack.url}${src}`);
      expect({ src, status: asset.status }).toEqual({ src, status: 200 });
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(100);
    }
    expect((await fetch(`${stack.url}/docs/package.json`)).status).toBe(404);
    expect((await fetch(`${stack.url}/docs/..%2Fpackage.json`)).status).toBe(404);
  });

  it('says it is alive and ready once its store and log answer and its consumers run', async () => {
    expect(await (await fetch(`${stack.url}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${stack.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { store: 'ok', log: 'ok', consumers: 'ok' } });
  });

  it('answers a known endpoint asked with the wrong method 405 with Allow', async () => {
    const res = await fetch(`${stack.url}/api/leads/list.json`, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect(await res.json()).toMatchObject({ status: 'error', error: 'func' });
    expect((await fetch(`${stack.url}/api/nothing.json`)).status).toBe(404);
  });

  it('refuses two different keys in one request, and bounds and requires what the description says', async () => {
    const { api } = await createAccount(stack, 'edges');
    const both = await api.get('/api/leads/list.json', { id: '1-another-key' });
    expect(both.status).toBe(401);
    expect(both.body.message).toContain('two different API keys');
    expect((await api.get('/api/leads/list.json', { id: api.key })).status).toBe(200);
    const far = await api.get('/api/stats/series.json', { to: 9_007_199_254_740_990 });
    expect(far).toMatchObject({ status: 400, body: { error: 'param' } });
    expect(far.body.message).toMatch(/^to: /);
    const missing = await api.post('/api/postbacks/global.json', {});
    expect(missing).toMatchObject({
      status: 400,
      body: { message: 'postbacks: must be an object keyed by status name' },
    });
    expect((await api.post('/api/postbacks/global.json', { postbacks: {} })).status).toBe(200);
  });

  it('takes any body on the webhook without a 5xx, and a thousand redeliveries of one update once', async () => {
    const { api } = await createAccount(stack, 'webhook');
    const { bot, chat } = await botWithChat(stack, api, 'edges_bot', 'Edges');
    const secret = (await stack.catalog.getBot(bot.id))!.secret;
    const post = (body: string) =>
      fetch(`${stack.webhookUrl}/telegram/webhook/${bot.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
        body,
      });
    const odd = [
      'null',
      '[]',
      '"text"',
      '42',
      '{}',
      '{"update_id":"x"}',
      '{"update_id":1,"message":7}',
      '{"update_id":2,"poll":{}}',
      '{"update_id":3,"chat_member":{"chat":null}}',
    ];
    for (const body of odd)
      expect({ body, status: (await post(body)).status < 500 }).toEqual({ body, status: true });

    const user = stack.telegram.fake.createUser({ first_name: 'Again' });
    const [emitted] = stack.telegram.fake.userJoins(user, chat);
    await stack.settled();
    const before = (await api.ok('/api/journal/list.json')).total;
    const update = JSON.stringify(emitted!.update);
    for (let i = 0; i < 1000; i += 50)
      expect(
        new Set((await Promise.all(Array.from({ length: 50 }, () => post(update)))).map((r) => r.status)),
      ).toEqual(new Set([200]));
    await stack.settled();
    expect((await api.ok('/api/journal/list.json')).total).toBe(before);
    // A thousand requests: seconds on a quiet machine, more on a busy one.
  }, 60_000);
});
