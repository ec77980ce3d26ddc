import { LeadStatus } from '@subtrack/contracts';
import type { Account } from '@subtrack/ports';
import { openEmbedded, type EmbeddedAdapters } from '@subtrack/sqlite';
import { leadIncrement, leadTransition, sample, storedLead } from '@subtrack/testing';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StatsQuery } from './stats-query';

/** 2025-01-15, a whole past day: its numbers normally come from the rollups. */
const DAY = { from: 1_736_899_200, to: 1_736_985_599 };
const NOW = DAY.to + 5 * 86_400;

const account: Account = {
  id: sample.account,
  name: 'acme',
  timezone: 'UTC',
  keyHash: '',
  postbacks: {},
  created: 0,
};

describe('StatsQuery while the stats projection catches up', () => {
  let adapters: EmbeddedAdapters;
  let current: boolean;
  let query: StatsQuery;

  beforeEach(async () => {
    adapters = openEmbedded(fs.mkdtempSync(path.join(os.tmpdir(), 'stats-query-')));
    current = true;
    query = new StatsQuery(
      adapters.catalog,
      adapters.leads,
      adapters.stats,
      () => NOW,
      async () => current,
    );
    // Raw history: two leads started that day, one of them approved.
    await adapters.leads.commit({
      leads: [storedLead({ id: 1 }), storedLead({ id: 2, status: LeadStatus.approve })],
      journal: [],
      transitions: [
        leadTransition({ lead: 1, to: LeadStatus.wait }),
        leadTransition({ lead: 2, to: LeadStatus.wait }),
        leadTransition({ lead: 2, from: LeadStatus.wait, to: LeadStatus.approve, time: sample.time + 60 }),
      ],
      postbacks: [],
      welcomes: [],
    });
    // The rollups have only seen the first start so far.
    await adapters.stats.apply([leadIncrement({ order: 1, counter: 'starts', day: '2025-01-15' })]);
  });
  afterEach(() => adapters.close());

  it('recounts past days from the raw history until the rollups hold every lead event', async () => {
    current = false;
    expect(await query.summary({ account, ...DAY })).toMatchObject({ starts: 2, confirms: 1, cr: 50 });
    expect(await query.summary({ account })).toMatchObject({ starts: 2, confirms: 1 });
    const [point] = await query.series({ account, ...DAY });
    expect(point).toMatchObject({ date: '2025-01-15', starts: 2, confirms: 1 });
  });

  it('reads whole past days from the rollups once they are current', async () => {
    expect(await query.summary({ account, ...DAY })).toMatchObject({ starts: 1, confirms: 0 });
    const [point] = await query.series({ account, ...DAY });
    expect(point).toMatchObject({ date: '2025-01-15', starts: 1, confirms: 0 });
  });
});
