import { LeadStatus } from '@subtrack/contracts';
import { journalEntry, leadTransition, storedLead, unitOfWork } from '@subtrack/testing';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { COUNTED } from './bucket-counts';
import { openEmbedded } from './index';

const T = 1_736_935_200;

describe('counts kept beside the leads, the journal and first entries', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'subtrack-counts-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('are filled from the rows already there when a file made before them is opened', async () => {
    const first = openEmbedded(dir, { log: () => undefined });
    await first.leads.commit(
      unitOfWork({
        leads: [
          storedLead({ id: 1, subscriber: 11, startTime: T }),
          storedLead({ id: 2, subscriber: 12, status: LeadStatus.approve, startTime: T + 5000 }),
        ],
        journal: [
          journalEntry({ id: 3, time: T + 1 }),
          journalEntry({ id: 4, action: 'leave', time: T + 90_000 }),
        ],
        transitions: [leadTransition({ lead: 1, to: LeadStatus.wait, time: T })],
      }),
    );
    const answers = async (a: typeof first) => ({
      leads: (await a.leads.listLeads({ account: 1, from: T + 1, limit: 10, offset: 0 })).total,
      journal: (await a.leads.listJournal({ account: 1, to: T + 86_400, limit: 10, offset: 0 })).total,
      organic: await a.leads.countOrganic({ account: 1, from: 0, to: T + 10 ** 6 }),
      firsts: await a.leads.countFirstEntries({ account: 1, from: T, to: T }),
    });
    const before = await answers(first);
    expect(before).toMatchObject({ leads: 1, journal: 1, organic: { joins: 1, leaves: 1 } });
    for (const t of Object.values(COUNTED)) first.db.exec(`DROP TABLE ${t.counts}`);
    await first.close();

    const reopened = openEmbedded(dir, { log: () => undefined });
    expect(await answers(reopened)).toEqual(before);
    await reopened.close();
  });

  it('give totals over months equal to a recount, and gain their thirty-day counters on reopening a file without them', async () => {
    const DAY = 86_400;
    const first = openEmbedded(dir, { log: () => undefined });
    // Leads every 7 hours 13 minutes over 200 days, so ranges cut months, days and hours anywhere.
    const times = Array.from({ length: 665 }, (_, i) => T - 100 * DAY + i * 25_980);
    await first.leads.commit(
      unitOfWork({
        leads: times.map((t, i) =>
          storedLead({ id: i + 1, subscriber: 100 + i, campaign: 1 + (i % 3), startTime: t }),
        ),
      }),
    );
    const ranges: [number | undefined, number | undefined][] = [
      [undefined, undefined],
      [T - 95 * DAY + 123, T + 50 * DAY - 7],
      [T - 31 * DAY, T - 1],
      [undefined, T + 3 * DAY + 17],
      [T - 61 * DAY + 3601, undefined],
    ];
    const totals = async (a: typeof first) => {
      const out: number[] = [];
      for (const [from, to] of ranges)
        out.push(
          (
            await a.leads.listLeads({
              account: 1,
              ...(from !== undefined ? { from } : {}),
              ...(to !== undefined ? { to } : {}),
              limit: 1,
              offset: 0,
            })
          ).total,
        );
      return out;
    };
    const recount = ranges.map(
      ([from, to]) => times.filter((t) => (from ?? -Infinity) <= t && t <= (to ?? Infinity)).length,
    );
    expect(await totals(first)).toEqual(recount);
    const months = () =>
      first.db.prepare('SELECT COUNT(*) AS n FROM lead_counts WHERE size = 2592000').get() as { n: number };
    expect(months().n).toBeGreaterThan(0);
    // A file written before the thirty-day counters existed.
    first.db.exec('DELETE FROM lead_counts WHERE size = 2592000');
    await first.close();

    const reopened = openEmbedded(dir, { log: () => undefined });
    expect(await totals(reopened)).toEqual(recount);
    const month = reopened.db.prepare('SELECT SUM(n) AS n FROM lead_counts WHERE size = 2592000').get() as {
      n: number;
    };
    expect(month.n).toBe(times.length);
    await reopened.close();
  });
});
