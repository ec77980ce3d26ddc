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
});
