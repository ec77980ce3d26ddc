import type { PostbackStore } from '@subtrack/ports';
import { openEmbedded, type EmbeddedAdapters } from '@subtrack/sqlite';
import fs from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PostbackSender } from './postback-sender';

describe('PostbackSender', () => {
  let adapters: EmbeddedAdapters;
  let store: PostbackStore;
  let clock = 1_000_000;

  beforeEach(async () => {
    adapters = openEmbedded(fs.mkdtempSync(path.join(os.tmpdir(), 'sender-')));
    store = adapters.postbacks;
    clock = 1_000_000;
  });
  afterEach(() => adapters.close());

  const queue = async (url: string) => {
    const id = `pb-${Math.random()}`;
    await adapters.leads.commit({
      leads: [],
      journal: [],
      transitions: [],
      welcomes: [],
      postbacks: [
        { id, account: 1, campaign: 1, lead: 1, status: 'approve', url, method: 'GET', body: '', created: 1 },
      ],
    });
    return (await store.get(id))!;
  };
  const sender = (allowPrivate: boolean) =>
    new PostbackSender(store, { allowPrivate, now: () => clock, timeoutMs: 2000 });

  it('refuses a private target unless allowed, and says so in the attempt', async () => {
    const d = await queue('http://127.0.0.1:9/pb');
    await sender(false).deliver(d);
    const after = (await store.get(d.id))!;
    expect(after.state).toBe('pending');
    expect(after.attempts[0]).toMatchObject({ status: null });
    expect(after.attempts[0]!.error).toMatch(/blocked: 127\.0\.0\.1 is a private address/);
  });

  it('refuses a private address written as an IPv4-mapped IPv6 literal', async () => {
    const d = await queue('http://[::ffff:127.0.0.1]:9/pb');
    await sender(false).deliver(d);
    expect((await store.get(d.id))!.attempts[0]!.error).toMatch(
      /^blocked: ::ffff:7f00:1 is a private address/,
    );
  });

  it('refuses a name that resolves to a private address, checked on the address it would connect to', async () => {
    const d = await queue('http://localhost:9/pb');
    await sender(false).deliver(d);
    const after = (await store.get(d.id))!;
    expect(after.attempts[0]).toMatchObject({ status: null });
    expect(after.attempts[0]!.error).toMatch(
      /^blocked: localhost resolves to a private address \((127\.0\.0\.1|::1)\)/,
    );
  });

  it('retries a refused connection within seconds, and gives up after 24 hours', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    let d = await queue(`http://127.0.0.1:${port}/down`);
    await sender(true).deliver(d);
    d = (await store.get(d.id))!;
    expect(d.state).toBe('pending');
    expect(d.attempts[0]!.error).toBe('ECONNREFUSED');
    expect(d.nextAt - clock).toBeGreaterThanOrEqual(1600);
    expect(d.nextAt - clock).toBeLessThanOrEqual(2400);

    clock += 24 * 3600 * 1000;
    await sender(true).deliver(d);
    d = (await store.get(d.id))!;
    expect(d.state).toBe('failed');
    expect(d.attempts).toHaveLength(2);
    expect(await store.claimDue(clock + 10 ** 9, 10, 1000)).toEqual([]);
  });

  it('spaces retries at most the configured maximum apart', async () => {
    const d = await queue('http://127.0.0.1:9/pb');
    const capped = new PostbackSender(store, {
      allowPrivate: false,
      now: () => clock,
      maxRetryDelayMs: 3000,
    });
    for (let i = 0; i < 6; i++) await capped.deliver((await store.get(d.id))!);
    const after = (await store.get(d.id))!;
    expect(after.attempts).toHaveLength(6);
    // Uncapped, the sixth failure would wait 64 s (±20 %).
    expect(after.nextAt - clock).toBeGreaterThanOrEqual(2400);
    expect(after.nextAt - clock).toBeLessThanOrEqual(3600);
  });
});
