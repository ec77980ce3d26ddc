import { Receiver } from './postbacks';
import { botWithChat, createAccount, lastInviteLink, startStack, type EmbeddedStack } from './harness';

/** Every string of the victim's data carries this, so any leak of it shows in a response's text. */
const MARK = 'zq7victim';
const COUNTERS = new Set([
  'starts',
  'holds',
  'confirms',
  'cancels',
  'trashes',
  'organic_joins',
  'organic_leaves',
]);

/** Numbers a response reports under counter names, at any depth. */
function counters(value: unknown, out: number[] = []): number[] {
  if (Array.isArray(value)) for (const v of value) counters(v, out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      if (COUNTERS.has(k) && typeof v === 'number') out.push(v);
      else counters(v, out);
    }
  return out;
}

/**
 * The isolation matrix: every route the server has (read from its router, so a new route is in it
 * without anyone adding it here) is called with a second account's key and the first account's
 * ids in every parameter a route might read. Nothing of the first account may come back, and
 * nothing of it may change.
 */
describe('embedded: no key sees or changes another account', () => {
  let stack: EmbeddedStack;
  const receiver = new Receiver();
  beforeAll(async () => {
    stack = await startStack();
    await receiver.start();
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    await receiver.close();
  });

  it('answers every route called with the victim ids under the intruder key without the victim data', async () => {
    const fake = stack.telegram.fake;
    const { api: victim } = await createAccount(stack, `Victim ${MARK}`);
    await victim.post('/api/postbacks/global.json', {
      postbacks: {
        wait: `${receiver.base}/${MARK}?l={lead}&c={click}`,
        approve: `${receiver.base}/${MARK}?a={lead}`,
      },
    });
    const { bot, chat } = await botWithChat(stack, victim, `${MARK}_bot`, `Chat ${MARK}`);
    const campaign = (
      await victim.post('/api/campaigns/add.json', {
        name: `Campaign ${MARK}`,
        bot: bot.id,
        chat: chat.id,
        join_mode: 'direct',
        welcome: `Welcome ${MARK}`,
      })
    ).body.data;
    const user = fake.createUser({ first_name: `Ann ${MARK}`, username: `ann_${MARK}` });
    fake.userStartsBot(user, bot, `${campaign.code}-click${MARK}`);
    await stack.settled();
    fake.userJoins(user, chat, lastInviteLink(stack, user.id));
    await stack.settled();
    const victimSecret = (await victim.post('/api/postbacks/secret.json', {})).body.data.secret as string;
    await waitFor(
      async () => (await victim.ok('/api/postbacks/list.json', { state: 'delivered' })).total === 2,
    );
    const lead = (await victim.ok('/api/leads/list.json')).data[0];
    const postback = (await victim.ok('/api/postbacks/list.json')).data[0];

    const ids = { campaign: campaign.id, bot: bot.id, chat: chat.id, lead: lead.id, id: postback.id };
    // In a query, `id` is the API key itself (the seed's ?id=<key>): the ids go there without it.
    const { id: _postbackId, ...query } = ids;
    const secrets = [MARK, bot.token, victimSecret, victim.key];
    const snapshot = async () => {
      const out: Record<string, unknown> = {};
      for (const r of stack.routes().filter((r) => r.method === 'GET' && r.path.startsWith('/api/')))
        out[r.path] = (await victim.get(r.path, query)).body;
      return out;
    };
    const before = await snapshot();
    expect(JSON.stringify(before)).toContain(MARK);

    const { api: intruder } = await createAccount(stack, 'intruder');
    const routes = stack.routes().filter((r) => r.path.startsWith('/api/'));
    expect(routes.length).toBeGreaterThanOrEqual(19);
    // The intruder's own key rotation last: after it, the key it holds is spent.
    routes.sort((a, b) => Number(a.path.endsWith('/rotate.json')) - Number(b.path.endsWith('/rotate.json')));
    const body = {
      ...ids,
      name: 'hijacked',
      welcome: 'hijacked',
      join_mode: 'request',
      postbacks: { wait: 'https://intruder.example/pb' },
      off: true,
    };
    const seen: string[] = [];
    for (const r of routes) {
      const answer =
        r.method === 'GET' ? await intruder.get(r.path, query) : await intruder.post(r.path, body);
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      seen.push(`${r.method} ${r.path} ${answer.status}`);
      expect({ route: `${r.method} ${r.path}`, status: answer.status < 500 }).toEqual({
        route: `${r.method} ${r.path}`,
        status: true,
      });
      for (const s of secrets)
        expect({ route: r.path, leaks: text.includes(s) }).toEqual({ route: r.path, leaks: false });
      if (typeof answer.body === 'object')
        expect({ route: r.path, counters: counters(answer.body).filter((n) => n !== 0) }).toEqual({
          route: r.path,
          counters: [],
        });
    }
    expect(seen.length).toBe(routes.length);
    expect(await snapshot()).toEqual(before);
  }, 300_000);
});

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}
