import { Api, createAccount, startStack, type EmbeddedStack } from './harness';

// Abuse limits as a user meets them: a key past its rate, an address guessing keys.
describe('embedded: abuse limits', () => {
  let stack: EmbeddedStack;
  beforeAll(async () => {
    stack = await startStack({ env: { API_RATE_PER_MINUTE: '30', AUTH_FAILURES_PER_MINUTE: '5' } });
  }, 120_000);
  afterAll(async () => stack?.close());

  it('answers a key past its rate 429 with Retry-After, and keeps serving other keys', async () => {
    const { api: busy } = await createAccount(stack, 'busy');
    const { api: calm } = await createAccount(stack, 'calm');
    const answers = await Promise.all(Array.from({ length: 40 }, () => busy.get('/api/leads/list.json')));
    const refused = answers.filter((r) => r.status === 429);
    expect(answers.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(30);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.body).toMatchObject({ status: 'error', error: 'limit' });
    expect(Number(refused[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await calm.get('/api/leads/list.json')).status).toBe(200);
  });

  it('refuses an address after repeated failed authentications, the admin token included', async () => {
    const { api: good } = await createAccount(stack, 'good');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await new Api(stack, `1-guess${i}`).get('/api/leads/list.json')).status);
    statuses.push(
      (await new Api(stack).post('/api/admin/accounts/add.json', { name: 'x' }, { 'x-admin-token': 'nope' }))
        .status,
    );
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const blocked = await good.get('/api/leads/list.json');
    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatchObject({
      error: 'limit',
      message: expect.stringContaining('failed authentications'),
    });
    // Telegram's webhook is not behind the API's limits.
    const webhook = await fetch(`${stack.webhookUrl}/telegram/webhook/1`, { method: 'POST', body: '{}' });
    expect(webhook.status).toBe(404);
  });
});
