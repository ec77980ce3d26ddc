import { endpoints, openApiDocument } from '@subtrack/api-contract';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  addCampaign,
  botWithChat,
  createAccount,
  startStack,
  Api,
  type ApiAnswer,
  type EmbeddedStack,
} from './harness';

const doc = openApiDocument(endpoints) as unknown as {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
};

/** Every answer a test reads must carry a status the description lists for that endpoint. */
function documented(method: string, path: string, answer: ApiAnswer): ApiAnswer {
  const listed = Object.keys(doc.paths[path]?.[method.toLowerCase()]?.responses ?? {});
  const route = `${method} ${path} ${answer.status}`;
  expect({ route, listed: listed.includes(String(answer.status)) }).toEqual({ route, listed: true });
  return answer;
}

const get = async (api: Api, path: string, params: Record<string, string | number> = {}) =>
  documented('GET', path, await api.get(path, params));
const post = async (api: Api, path: string, body: unknown, headers: Record<string, string> = {}) =>
  documented('POST', path, await api.post(path, body, headers));

/** A postback receiver answering 201 with a long body, keeping every request it got. */
async function receiver() {
  const requests: { method: string; url: string; headers: Record<string, unknown>; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.writeHead(201, { 'content-type': 'text/plain' }).end('ok:' + 'x'.repeat(3000));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, requests, close: () => new Promise((r) => server.close(r)) };
}

describe('embedded: the endpoints the dashboard added', () => {
  let stack: EmbeddedStack;
  let target: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    stack = await startStack();
    target = await receiver();
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    await target?.close();
  });

  it('says whether the install is fresh, without a key, until the first account exists', async () => {
    const anyone = new Api(stack);
    const fresh = await get(anyone, '/api/setup.json');
    expect(fresh.body).toEqual({ status: 'ok', data: { first_run: true, admin_token_file: null } });
    await createAccount(stack, 'first');
    expect((await get(anyone, '/api/setup.json')).body.data).toEqual({
      first_run: false,
      admin_token_file: null,
    });
  });

  it('sends a test postback once, rendered, signed and unstored, and shows the answer', async () => {
    const { id: account, api } = await createAccount(stack, 'tester');
    const { bot, chat } = await botWithChat(stack, api, 'test_pb_bot', 'Test PB');
    await post(api, '/api/postbacks/global.json', {
      postbacks: { hold: `${target.base}/g?s={status}&c={click}&k={campaign}&u={user}&ch={chat}&l={lead}` },
    });
    const campaign = await addCampaign(api, { bot, chat }, { name: 'T', join_mode: 'request' });
    const secret = (await post(api, '/api/postbacks/secret.json', {})).body.data.secret as string;

    const sent = await post(api, '/api/postbacks/test.json', { campaign: campaign.id, status: 'hold' });
    expect(sent.status).toBe(200);
    const url = `${target.base}/g?s=hold&c=test&k=${campaign.code}&u=${account}&ch=${encodeURIComponent(String(chat.id))}&l=0`;
    expect(sent.body.data).toMatchObject({ url, method: 'GET', http_status: 201, error: '' });
    expect(sent.body.data.response).toBe(('ok:' + 'x'.repeat(3000)).slice(0, 2048));
    expect(sent.body.data.duration_ms).toBeGreaterThanOrEqual(0);
    expect(target.requests).toHaveLength(1);
    const [request] = target.requests;
    expect(`${target.base}${request!.url}`).toBe(url);
    // Signed as real deliveries are: t=<unix>,v1=<HMAC-SHA256 of "t.METHOD.url.body">.
    const [t, v1] = String(request!.headers['x-signature']).split(',');
    const stamp = t!.slice(2);
    expect(v1).toBe(`v1=${createHmac('sha256', secret).update(`${stamp}.GET.${url}.`).digest('hex')}`);
    // Never stored as a delivery.
    expect((await get(api, '/api/postbacks/list.json')).body.total).toBe(0);

    const none = await post(api, '/api/postbacks/test.json', { campaign: campaign.id, status: 'trash' });
    expect(none).toMatchObject({ status: 400, body: { error: 'param' } });
    expect(none.body.message).toMatch(/^status: /);
    const foreign = await createAccount(stack, 'foreign');
    const other = await post(foreign.api, '/api/postbacks/test.json', {
      campaign: campaign.id,
      status: 'hold',
    });
    expect(other).toMatchObject({ status: 404, body: { error: 'notfound' } });
    expect((await post(api, '/api/postbacks/test.json', { campaign: campaign.id })).body.message).toBe(
      'status: is required',
    );
    expect(target.requests).toHaveLength(1);
  }, 120_000);

  it("shows each lead's latest postback, and lists one lead's deliveries", async () => {
    const { api } = await createAccount(stack, 'leads');
    const { bot, chat } = await botWithChat(stack, api, 'lead_pb_bot', 'Lead PB');
    const paid = await addCampaign(
      api,
      { bot, chat },
      {
        name: 'Paid',
        join_mode: 'request',
        postbacks: { wait: `${target.base}/w?l={lead}` },
      },
    );
    const quiet = await addCampaign(api, { bot, chat }, { name: 'Quiet', join_mode: 'request' });
    const fake = stack.telegram.fake;
    fake.userStartsBot(fake.createUser({ first_name: 'Ann' }), bot, `${paid.code}-c1`);
    fake.userStartsBot(fake.createUser({ first_name: 'Bob' }), bot, `${quiet.code}-c2`);
    await stack.settled();
    const deadline = Date.now() + 60_000;
    let rows: any[] = [];
    for (;;) {
      rows = (await get(api, '/api/leads/list.json')).body.data;
      if (rows.find((l) => l.click === 'c1')?.postback?.state === 'delivered') break;
      if (Date.now() > deadline) throw new Error(`no delivery: ${JSON.stringify(rows)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const ann = rows.find((l) => l.click === 'c1');
    const bob = rows.find((l) => l.click === 'c2');
    expect(ann.postback).toEqual({ status: 'wait', state: 'delivered', attempts: 1, last_http_status: 201 });
    expect(bob.postback).toBeNull();

    const own = await get(api, '/api/postbacks/list.json', { lead: ann.id });
    expect(own.body.total).toBe(1);
    expect(own.body.data[0]).toMatchObject({ lead: ann.id, url: `${target.base}/w?l=${ann.id}` });
    expect((await get(api, '/api/postbacks/list.json', { lead: bob.id })).body.total).toBe(0);
    expect((await get(api, '/api/postbacks/list.json', { lead: 'x' })).body.message).toBe(
      'lead: must be an integer, got "x"',
    );
  }, 120_000);
});

describe('embedded: a generated admin token and the address guard', () => {
  let stack: EmbeddedStack;
  beforeAll(async () => {
    stack = await startStack({ env: { ADMIN_TOKEN: '', POSTBACK_ALLOW_PRIVATE: '0' } });
  }, 120_000);
  afterAll(async () => stack?.close());

  it('names the file holding the admin token, and refuses a test postback to a private address', async () => {
    const anyone = new Api(stack);
    const setup = (await get(anyone, '/api/setup.json')).body.data;
    expect(setup.first_run).toBe(true);
    const token = fs.readFileSync(setup.admin_token_file, 'utf8').trim();
    const added = await post(
      anyone,
      '/api/admin/accounts/add.json',
      { name: 'guarded' },
      { 'x-admin-token': token },
    );
    expect(added.status).toBe(200);
    // Once an account exists, nobody without a key learns where the admin token is.
    expect((await get(anyone, '/api/setup.json')).body.data).toEqual({
      first_run: false,
      admin_token_file: null,
    });
    const api = new Api(stack, added.body.data.api_key);
    const { bot, chat } = await botWithChat(stack, api, 'guard_bot', 'Guard');
    const campaign = await addCampaign(
      api,
      { bot, chat },
      {
        name: 'G',
        join_mode: 'direct',
        postbacks: { approve: 'http://127.0.0.1:9/pb?c={click}' },
      },
    );
    const sent = await post(api, '/api/postbacks/test.json', { campaign: campaign.id, status: 'approve' });
    expect(sent.status).toBe(200);
    expect(sent.body.data).toMatchObject({ http_status: null, response: '' });
    expect(sent.body.data.error).toMatch(/^blocked: 127\.0\.0\.1 is a private address/);
  }, 120_000);
});
