import { EVENT_VERSION, type LeadEvent } from '@subtrack/contracts';
import type { LoggedEvent } from '@subtrack/ports';
import { openEmbedded, type EmbeddedAdapters } from '@subtrack/sqlite';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RollupProjector } from './rollup-projector';

const meta = (order: number, time: number, account = 1) => ({
  id: `e${order}`,
  version: EVENT_VERSION,
  key: '5',
  account,
  bot: 7,
  updateId: order,
  time,
  source: { partition: 0, order },
});
const subscriber = { id: 5, username: '' };
const status = (order: number, time: number, to: 0 | 1 | 2 | 3 | 4, first = true): LeadEvent => ({
  ...meta(order, time),
  type: 'LeadStatusChanged',
  data: { lead: 1, campaign: 10, chat: -1, subscriber, click: '', from: null, to, first, joinTime: 0 },
});
const journal = (
  order: number,
  time: number,
  action: 'join' | 'leave' | 'ban' | 'request',
  paid: 0 | 1 = 0,
): LeadEvent => ({
  ...meta(order, time),
  type: 'JournalRecorded',
  data: { entry: order, chat: -1, subscriber, action, paid },
});

describe('RollupProjector', () => {
  let adapters: EmbeddedAdapters;
  const fresh = () => new RollupProjector(adapters.stats, adapters.catalog);
  const day = '2026-05-20';
  const t = Date.parse(`${day}T10:00:00Z`) / 1000;

  beforeEach(async () => {
    adapters = openEmbedded(fs.mkdtempSync(path.join(os.tmpdir(), 'rollups-')));
    await adapters.catalog.createAccount({
      name: 'a',
      timezone: 'UTC',
      keyHash: '',
      postbacks: {},
      created: 0,
    });
  });
  afterEach(() => adapters.close());

  const logged = (events: LeadEvent[]): LoggedEvent[] =>
    events.map((event, i) => ({ partition: 0, seq: i + 1, event }));
  const rollups = async () => ({
    leads: Object.fromEntries(
      await adapters.stats.leadRollups({ account: 1, fromDay: '2000-01-01', toDay: '2100-01-01' }),
    ),
    organic: Object.fromEntries(
      await adapters.stats.organicRollups({ account: 1, fromDay: '2000-01-01', toDay: '2100-01-01' }),
    ),
  });

  it('counts first entries and organic activity per day', async () => {
    await fresh().handle(
      logged([
        status(1, t, 0),
        status(2, t, 2),
        status(3, t + 86_400, 2, false),
        journal(4, t, 'join'),
        journal(5, t, 'ban'),
        journal(6, t, 'join', 1),
        journal(7, t, 'request'),
      ]),
    );
    expect(await rollups()).toEqual({
      leads: { [day]: { starts: 1, holds: 0, confirms: 1, cancels: 0, trashes: 0 } },
      organic: { [day]: { joins: 1, leaves: 1 } },
    });
  });

  it('never counts a redelivered or re-published event twice, even after a restart', async () => {
    const events = [status(1, t, 0), journal(2, t, 'join'), status(3, t, 2)];
    await fresh().handle(logged(events.slice(0, 2)));
    const once = await rollups();
    await fresh().handle(logged(events.slice(0, 2)));
    expect(await rollups()).toEqual(once);
    // A producer retry re-published event 2 after event 3: only 3 is new.
    await fresh().handle(logged([events[1]!, events[2]!, events[1]!]));
    expect((await rollups()).leads[day]).toEqual({
      starts: 1,
      holds: 0,
      confirms: 1,
      cancels: 0,
      trashes: 0,
    });
    expect((await rollups()).organic[day]).toEqual({ joins: 1, leaves: 0 });
  });

  it("files a day by the account's time zone", async () => {
    await adapters.catalog.createAccount({
      name: 'tokyo',
      timezone: 'Asia/Tokyo',
      keyHash: '',
      postbacks: {},
      created: 0,
    });
    const late = Date.parse('2026-05-20T16:00:00Z') / 1000; // 01:00 on the 21st in Tokyo
    await fresh().handle([{ partition: 0, seq: 1, event: { ...status(1, late, 0), account: 2 } }]);
    const tokyo = await adapters.stats.leadRollups({
      account: 2,
      fromDay: '2000-01-01',
      toDay: '2100-01-01',
    });
    expect([...tokyo.keys()]).toEqual(['2026-05-21']);
  });
});
