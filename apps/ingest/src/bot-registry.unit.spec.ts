import type { Bot } from '@subtrack/ports';
import { BotRegistry } from './bot-registry';

const bot = (id: number, secret: string): Bot => ({
  id,
  account: 1,
  username: `bot${id}`,
  token: `${id}:token-${secret}`,
  secret,
  created: 0,
  status: 'ok',
});

/** A catalog another process writes to, and a registry over it with a 1 s memory. */
function given(...initial: Bot[]) {
  const rows = new Map(initial.map((b) => [b.id, b]));
  const reads = { count: 0 };
  const catalog = {
    getBot: async (id: number) => {
      reads.count++;
      return rows.get(id) ?? null;
    },
    listBots: async () => [...rows.values()],
  };
  const clock = { now: 1_000_000 };
  const registry = new BotRegistry(catalog, 1000, () => clock.now);
  return { rows, reads, clock, registry };
}

describe('BotRegistry', () => {
  it('serves a bot from memory within the refresh interval', async () => {
    const { registry, reads, clock } = given(bot(7, 'a'));
    expect((await registry.get(7))?.secret).toBe('a');
    clock.now += 999;
    expect((await registry.get(7))?.secret).toBe('a');
    expect(reads.count).toBe(1);
  });

  it('sees a bot re-added with a new token and secret once the interval is over', async () => {
    const { registry, rows, clock } = given(bot(7, 'a'));
    await registry.get(7);
    rows.set(7, bot(7, 'b'));
    clock.now += 1000;
    expect((await registry.get(7))?.secret).toBe('b');
  });

  it('forgets a removed bot, by lookup and by listing', async () => {
    const { registry, rows, clock } = given(bot(7, 'a'), bot(8, 'c'));
    await registry.all();
    rows.delete(7);
    rows.delete(8);
    clock.now += 1000;
    expect(await registry.get(7)).toBeNull();
    expect(await registry.all()).toEqual([]);
    expect(await registry.get(8)).toBeNull();
  });

  it('finds a bot registered by another process without waiting', async () => {
    const { registry, rows } = given();
    expect(await registry.get(9)).toBeNull();
    rows.set(9, bot(9, 'z'));
    expect((await registry.get(9))?.secret).toBe('z');
  });
});
