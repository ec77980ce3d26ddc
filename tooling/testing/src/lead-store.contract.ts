import { LeadStatus } from '@subtrack/contracts';
import {
  MAX_PARTITIONS,
  type JournalEntry,
  type LeadStore,
  type LeadTransition,
  type LeadUnitOfWork,
  type PageOf,
  type StoredLead,
} from '@subtrack/ports';
import {
  journalEntry,
  leadCounters,
  leadTransition,
  organicCounters,
  sample,
  storedLead,
  unitOfWork,
} from './builders';
import { useFixture, type StoreFixture } from './harness';

const T = sample.time;
const { wait, hold, approve, cancel, trash } = LeadStatus;
const everything = { limit: 10_000, offset: 0 };
const idsOf = (page: PageOf<{ id: number }>): number[] => page.rows.map((r) => r.id);
const byId = <R extends { id: number }>(rows: readonly R[]): R[] => [...rows].sort((a, b) => a.id - b.id);
const work = unitOfWork;

async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

/** The behaviour every LeadStore adapter must show. The factory opens an empty store. */
export function leadStoreContract(name: string, factory: () => Promise<StoreFixture<LeadStore>>): void {
  describe(`LeadStore contract: ${name}`, () => {
    const fixture = useFixture(factory);
    const store = (): LeadStore => fixture().store;
    const commit = (w: Partial<LeadUnitOfWork>): Promise<void> => store().commit(work(w));

    it('claims event ids by position: a copy at another position is reported, a redelivery is not', async () => {
      expect(await store().claim([])).toEqual(new Set());
      expect(
        await store().claim([
          { id: 'a:1', seq: 10 },
          { id: 'a:3', seq: 11 },
        ]),
      ).toEqual(new Set());
      // The same positions again (a redelivery whose work may not be committed) are no copies.
      expect(
        await store().claim([
          { id: 'a:1', seq: 10 },
          { id: 'a:3', seq: 11 },
        ]),
      ).toEqual(new Set());
      // a:1 again at a new position, once in an earlier batch and twice in this one.
      expect(
        await store().claim([
          { id: 'a:2', seq: 20 },
          { id: 'a:1', seq: 21 },
          { id: 'a:4', seq: 22 },
          { id: 'a:4', seq: 23 },
        ]),
      ).toEqual(new Set([21, 23]));
    });

    describe('leads', () => {
      // Account 1 has campaigns 1 and 2; 102 and 101 start at the same second; 200 is another account's.
      const leads = [
        storedLead({ id: 100, campaign: 1, subscriber: 501, status: wait, startTime: T }),
        storedLead({
          id: 101,
          campaign: 1,
          subscriber: 502,
          status: approve,
          startTime: T + 10,
          joinTime: T + 12,
        }),
        storedLead({
          id: 102,
          campaign: 2,
          subscriber: 501,
          status: approve,
          startTime: T + 10,
          joinTime: T + 11,
        }),
        storedLead({
          id: 103,
          campaign: 2,
          subscriber: 503,
          status: cancel,
          startTime: T + 20,
          joinTime: T + 21,
        }),
        storedLead({ id: 104, campaign: 1, subscriber: 504, status: hold, startTime: T + 5, click: '' }),
        storedLead({ id: 200, account: 2, campaign: 9, subscriber: 501, status: wait, startTime: T + 15 }),
      ];
      const lead = (id: number): StoredLead => leads.find((l) => l.id === id)!;
      // As the projection writes them: each lead with the transition that created it.
      const created = leads.map((l) =>
        leadTransition({
          id: `${l.seq}:0`,
          lead: l.id,
          startTime: l.startTime,
          account: l.account,
          campaign: l.campaign,
          to: l.status,
          time: l.startTime,
        }),
      );

      it('reads committed leads back by subscriber, across campaigns', async () => {
        await commit({ leads });
        expect(byId(await store().leadsOf([501, 503]))).toEqual([lead(100), lead(102), lead(103), lead(200)]);
        expect(await store().leadsOf([504])).toEqual([lead(104)]);
        expect(await store().leadsOf([999])).toEqual([]);
        expect(await store().leadsOf([])).toEqual([]);
      });

      it('lists leads newest first by start time then id, filtered and paged, with the total', async () => {
        await commit({ leads, transitions: created });
        const list = (q: object) => store().listLeads({ account: 1, ...everything, ...q });

        const all = await list({});
        expect(idsOf(all)).toEqual([103, 102, 101, 104, 100]);
        expect(all.total).toBe(5);
        expect(all.rows[0]).toEqual(lead(103));
        expect(idsOf(await list({ campaign: 1 }))).toEqual([101, 104, 100]);
        expect(idsOf(await list({ status: approve }))).toEqual([102, 101]);
        expect(idsOf(await list({ campaign: 2, status: approve }))).toEqual([102]);
        expect(idsOf(await list({ from: T + 5, to: T + 10 }))).toEqual([102, 101, 104]);
        expect(idsOf(await list({ from: T + 11 }))).toEqual([103]);
        expect(idsOf(await list({ to: T + 4 }))).toEqual([100]);
        expect(await list({ limit: 2, offset: 1 })).toEqual({ rows: [lead(102), lead(101)], total: 5 });
        expect(await list({ limit: 2, offset: 10 })).toEqual({ rows: [], total: 5 });
        expect(await list({ campaign: 1, limit: 1, offset: 0 })).toEqual({ rows: [lead(101)], total: 3 });
        expect(await list({ status: trash })).toEqual({ rows: [], total: 0 });
        expect(await store().listLeads({ account: 2, ...everything })).toEqual({
          rows: [lead(200)],
          total: 1,
        });
        expect(await store().listLeads({ account: 3, ...everything })).toEqual({ rows: [], total: 0 });
      });

      it('streams every matching lead in list order, across more than a thousand rows', async () => {
        // Seven leads per second, so start-time ties straddle every page boundary an adapter might use.
        const many = Array.from({ length: 1_205 }, (_, i) =>
          storedLead({
            id: 10_000 + i,
            campaign: 1 + (i % 2),
            status: i % 3 === 0 ? approve : wait,
            startTime: T + Math.floor(i / 7),
          }),
        );
        const foreign = storedLead({ id: 9_999, account: 2, startTime: T + 50 });
        await commit({ leads: [...many, foreign] });

        const expected = [...many].sort((a, b) => b.startTime - a.startTime || b.id - a.id);
        const streamed = await collect(store().streamLeads({ account: 1 }));
        expect(streamed.length).toBe(1_205);
        expect(streamed).toEqual(expected);
        expect(streamed).toEqual((await store().listLeads({ account: 1, ...everything })).rows);

        const filter = { account: 1, campaign: 2, status: approve, from: T + 10, to: T + 150 };
        const filtered = expected.filter(
          (l) => l.campaign === 2 && l.status === approve && l.startTime >= T + 10 && l.startTime <= T + 150,
        );
        expect(await collect(store().streamLeads(filter))).toEqual(filtered);
        expect(await collect(store().streamLeads({ account: 3 }))).toEqual([]);
      });

      it('never lets an older or equal seq overwrite a lead', async () => {
        const created = storedLead({ id: 300, seq: 300, status: wait, startTime: T });
        const approved = {
          ...created,
          status: approve,
          joinTime: T + 60,
          updated: T + 60,
          reached: 0b101,
          seq: 310,
        };
        await commit({ leads: [created] });
        await commit({ leads: [approved] });
        expect(await store().leadsOf([created.subscriber])).toEqual([approved]);

        await commit({
          leads: [{ ...approved, status: cancel, updated: T + 90, reached: 0b1101, seq: 305 }],
        });
        await commit({
          leads: [{ ...approved, status: trash, updated: T + 95, reached: 0b10101, seq: 310 }],
        });
        await commit({ leads: [created] });
        expect(await store().leadsOf([created.subscriber])).toEqual([approved]);
      });

      it('keeps the time of a recheck finding that moved a lead, until a later move made by an update', async () => {
        const created = storedLead({ id: 320, seq: 320, status: approve, startTime: T });
        const found = { ...created, status: cancel, updated: T + 600, seq: 330, found: T + 600 };
        await commit({ leads: [created] });
        await commit({ leads: [found] });
        expect(await store().leadsOf([created.subscriber])).toEqual([found]);

        const { found: _found, ...rejoined } = { ...found, status: approve, updated: T + 700, seq: 340 };
        await commit({ leads: [rejoined] });
        expect(await store().leadsOf([created.subscriber])).toEqual([rejoined]);
      });
    });

    describe('journal', () => {
      const [B1, B2, C1, C2] = [7_000_000_001, 7_000_000_002, -1_001_000_000_001, -1_001_000_000_002];
      // 1003 and 1002 happen in the same second; 2000 is another account's.
      const entries = [
        journalEntry({ id: 1001, bot: B1, chat: C1, action: 'join', paid: 0, time: T }),
        journalEntry({ id: 1002, bot: B1, chat: C1, action: 'leave', paid: 0, time: T + 10 }),
        journalEntry({ id: 1003, bot: B1, chat: C2, action: 'request', paid: 1, time: T + 10, username: '' }),
        journalEntry({ id: 1004, bot: B2, chat: C1, action: 'ban', paid: 0, time: T + 20 }),
        journalEntry({ id: 1005, bot: B1, chat: C1, action: 'approve', paid: 1, time: T + 5 }),
        journalEntry({ id: 2000, account: 2, bot: B1, chat: C1, action: 'join', time: T + 7 }),
      ];
      const entry = (id: number): JournalEntry => entries.find((e) => e.id === id)!;

      it('lists the journal newest first by time then id, filtered and paged, with the total', async () => {
        await commit({ journal: entries });
        const list = (q: object) => store().listJournal({ account: 1, ...everything, ...q });

        const all = await list({});
        expect(all).toEqual({ rows: [1004, 1003, 1002, 1005, 1001].map(entry), total: 5 });
        expect(idsOf(await list({ bot: B1 }))).toEqual([1003, 1002, 1005, 1001]);
        expect(idsOf(await list({ chat: C1 }))).toEqual([1004, 1002, 1005, 1001]);
        expect(idsOf(await list({ bot: B1, chat: C1 }))).toEqual([1002, 1005, 1001]);
        expect(idsOf(await list({ action: 'join' }))).toEqual([1001]);
        expect(idsOf(await list({ from: T + 5, to: T + 10 }))).toEqual([1003, 1002, 1005]);
        expect(await list({ limit: 2, offset: 2 })).toEqual({ rows: [entry(1002), entry(1005)], total: 5 });
        expect(await list({ chat: C2, limit: 10, offset: 1 })).toEqual({ rows: [], total: 1 });
        expect(await store().listJournal({ account: 2, ...everything })).toEqual({
          rows: [entry(2000)],
          total: 1,
        });
      });

      it('counts organic joins (join, approve) and leaves (leave, ban) of unpaid rows, per chat, in inclusive bounds', async () => {
        const organic = [
          journalEntry({ id: 1, chat: C1, action: 'join', paid: 0, time: T }),
          journalEntry({ id: 2, chat: C1, action: 'approve', paid: 0, time: T + 1 }),
          journalEntry({ id: 3, chat: C1, action: 'join', paid: 1, time: T + 2 }),
          journalEntry({ id: 4, chat: C1, action: 'leave', paid: 0, time: T + 3 }),
          journalEntry({ id: 5, chat: C1, action: 'ban', paid: 0, time: T + 4 }),
          journalEntry({ id: 6, chat: C1, action: 'request', paid: 0, time: T + 5 }),
          journalEntry({ id: 7, chat: C1, action: 'leave', paid: 1, time: T + 6 }),
          journalEntry({ id: 8, chat: C2, action: 'join', paid: 0, time: T + 7 }),
          journalEntry({ id: 9, chat: C2, action: 'leave', paid: 0, time: T + 100 }),
          journalEntry({ id: 10, account: 2, chat: C1, action: 'join', paid: 0, time: T }),
        ];
        await commit({ journal: organic });
        const count = (q: object) => store().countOrganic({ account: 1, from: T, to: T + 7, ...q });

        expect(await count({})).toEqual(organicCounters({ joins: 3, leaves: 2 }));
        expect(await count({ chat: C1 })).toEqual(organicCounters({ joins: 2, leaves: 2 }));
        expect(await count({ chat: C2 })).toEqual(organicCounters({ joins: 1 }));
        expect(await count({ from: T + 1, to: T + 3 })).toEqual(organicCounters({ joins: 1, leaves: 1 }));
        expect(await count({ to: T + 100 })).toEqual(organicCounters({ joins: 3, leaves: 3 }));
        expect(await count({ account: 2 })).toEqual(organicCounters({ joins: 1 }));
        expect(await count({ account: 3 })).toEqual(organicCounters());
      });
    });

    describe('transitions', () => {
      it('counts leads entering each status for the first time, per campaign, in inclusive bounds', async () => {
        const transitions = [
          leadTransition({ lead: 1, campaign: 1, from: null, to: wait, time: T }),
          leadTransition({ lead: 1, campaign: 1, from: wait, to: hold, time: T + 5 }),
          leadTransition({ lead: 1, campaign: 1, from: hold, to: approve, time: T + 10 }),
          leadTransition({ lead: 1, campaign: 1, from: approve, to: cancel, time: T + 20 }),
          leadTransition({ lead: 1, campaign: 1, from: cancel, to: approve, first: false, time: T + 25 }),
          leadTransition({ lead: 2, campaign: 2, from: null, to: wait, time: T + 1 }),
          leadTransition({ lead: 2, campaign: 2, from: wait, to: approve, time: T + 31 }),
          leadTransition({ lead: 3, campaign: 1, from: null, to: wait, time: T - 1 }),
          leadTransition({ lead: 3, campaign: 1, from: wait, to: trash, time: T + 30 }),
          leadTransition({ lead: 4, account: 2, campaign: 9, from: null, to: wait, time: T + 2 }),
        ];
        await commit({ transitions });
        const count = (q: object) => store().countFirstEntries({ account: 1, from: T, to: T + 30, ...q });

        expect(await count({})).toEqual(
          leadCounters({ starts: 2, holds: 1, confirms: 1, cancels: 1, trashes: 1 }),
        );
        expect(await count({ campaign: 1 })).toEqual(
          leadCounters({ starts: 1, holds: 1, confirms: 1, cancels: 1, trashes: 1 }),
        );
        expect(await count({ campaign: 2 })).toEqual(leadCounters({ starts: 1 }));
        expect(await count({ campaign: 2, to: T + 31 })).toEqual(leadCounters({ starts: 1, confirms: 1 }));
        expect(await count({ from: T - 1, to: T - 1 })).toEqual(leadCounters({ starts: 1 }));
        expect(await count({ account: 2 })).toEqual(leadCounters({ starts: 1 }));
        expect(await count({ account: 3 })).toEqual(leadCounters());
      });
    });

    it('changes nothing when the same unit of work is committed twice', async () => {
      const unit = work({
        leads: [
          storedLead({ id: 400, subscriber: 601, status: approve, startTime: T, joinTime: T + 3 }),
          storedLead({ id: 401, subscriber: 602, campaign: 2, startTime: T + 1 }),
        ],
        journal: [
          journalEntry({ id: 402, subscriber: 601, action: 'join', paid: 1, time: T + 3 }),
          journalEntry({ id: 403, subscriber: 603, action: 'join', paid: 0, time: T + 4 }),
        ],
        transitions: [
          leadTransition({ id: '400:0', lead: 400, from: null, to: wait, time: T }),
          leadTransition({ id: '402:0', lead: 400, from: wait, to: approve, time: T + 3 }),
          leadTransition({
            id: '401:0',
            lead: 401,
            startTime: T + 1,
            campaign: 2,
            from: null,
            to: wait,
            time: T + 1,
          }),
        ],
      });
      const snapshot = async () => ({
        leads: await store().listLeads({ account: 1, ...everything }),
        of: byId(await store().leadsOf([601, 602])),
        journal: await store().listJournal({ account: 1, ...everything }),
        firsts: await store().countFirstEntries({ account: 1, from: T, to: T + 10 }),
        organic: await store().countOrganic({ account: 1, from: T, to: T + 10 }),
      });

      await store().commit(unit);
      const once = await snapshot();
      expect(once.leads.total).toBe(2);
      expect(once.journal.total).toBe(2);
      expect(once.firsts).toEqual(leadCounters({ starts: 2, confirms: 1 }));
      expect(once.organic).toEqual(organicCounters({ joins: 1 }));

      await store().commit(unit);
      expect(await snapshot()).toEqual(once);
    });

    it('counts a redelivery once however its batches are cut, as a lead moves on', async () => {
      const lead = (status: LeadStatus, seq: number) =>
        storedLead({ id: 10, subscriber: 910, status, startTime: T, seq });
      const moved = (seq: number, from: LeadStatus | null, to: LeadStatus) =>
        leadTransition({ id: `${seq}:0`, lead: 10, startTime: T, from, to, time: T + seq });
      const transitions = [moved(10, null, wait), moved(20, wait, hold), moved(30, hold, approve)];
      const joins = [journalEntry({ id: 20, time: T + 20 }), journalEntry({ id: 30, time: T + 30 })];
      await commit({
        leads: [lead(hold, 20)],
        transitions: transitions.slice(0, 2),
        journal: joins.slice(0, 1),
      });
      // The same events again from the second on, and one more: a redelivery cut elsewhere.
      await commit({ leads: [lead(approve, 30)], transitions: transitions.slice(1), journal: joins });

      const total = async (status?: LeadStatus) =>
        (await store().listLeads({ account: 1, status, ...everything })).total;
      expect([await total(), await total(wait), await total(hold), await total(approve)]).toEqual([
        1, 0, 0, 1,
      ]);
      expect((await store().listJournal({ account: 1, ...everything })).total).toBe(2);
      expect(await store().countFirstEntries({ account: 1, from: T, to: T + 100 })).toEqual(
        leadCounters({ starts: 1, holds: 1, confirms: 1 }),
      );
    });

    it('counts each change once when consumers commit overlapping batches of one partition at once', async () => {
      // A partition handed over mid-batch: the old owner still commits what it read while the new
      // owner, and a third after another rebalance, commit longer runs from the same position, all
      // into the same count documents at the same moment. Six partitions at once, each its own race.
      const PARTITIONS = 6;
      const LEADS = 12;
      const plays = Array.from({ length: PARTITIONS }, (_, p) => {
        const ids = Array.from({ length: LEADS }, (_, i) => 3000 + p * 100 + i);
        const events: { lead: number; from: LeadStatus | null; to: LeadStatus }[] = [
          ...ids.map((id) => ({ lead: id, from: null, to: wait })),
          ...ids.map((id) => ({ lead: id, from: wait, to: approve })),
          ...ids.filter((id) => id % 3 === 0).map((id) => ({ lead: id, from: approve, to: cancel })),
        ];
        /** What a consumer that read the partition from its start up to `end` commits. */
        const upTo = (end: number): LeadUnitOfWork => {
          const leads = new Map<number, StoredLead>();
          const transitions: LeadTransition[] = [];
          const journal: JournalEntry[] = [];
          events.slice(0, end).forEach((e, i) => {
            const seq = (i + 1) * MAX_PARTITIONS + p;
            const time = T + i;
            const before =
              leads.get(e.lead) ?? storedLead({ id: seq, subscriber: 950_000 + e.lead, startTime: time });
            const lead = { ...before, status: e.to, seq, reached: before.reached | (1 << e.to) };
            leads.set(e.lead, lead);
            const { id, startTime } = lead;
            transitions.push(
              leadTransition({ id: `${seq}:0`, lead: id, startTime, from: e.from, to: e.to, time }),
            );
            if (e.from !== null)
              journal.push(
                journalEntry({ id: seq, paid: 1, action: e.to === approve ? 'join' : 'leave', time }),
              );
          });
          return work({ leads: [...leads.values()], transitions, journal });
        };
        const cuts = [1, 2, 3, 4].map((q) => Math.floor((q * events.length) / 4));
        return {
          ids,
          commits: (p % 2 ? cuts.reverse() : cuts).map((end) => () => store().commit(upTo(end))),
        };
      });
      await Promise.all(plays.flatMap((play) => play.commits.map((commit) => commit())));

      const [all, cancelled] = [PARTITIONS * LEADS, PARTITIONS * (LEADS / 3)];
      const total = async (status?: LeadStatus) =>
        (await store().listLeads({ account: 1, status, ...everything })).total;
      expect([await total(), await total(wait), await total(approve), await total(cancel)]).toEqual([
        all,
        0,
        all - cancelled,
        cancelled,
      ]);
      const stored = await store().leadsOf(plays.flatMap((play) => play.ids.map((id) => 950_000 + id)));
      expect(stored.filter((l) => l.status === cancel)).toHaveLength(cancelled);
      expect(stored.filter((l) => l.status === approve)).toHaveLength(all - cancelled);
      expect((await store().listJournal({ account: 1, ...everything })).total).toBe(all + cancelled);
      expect(await store().countFirstEntries({ account: 1, from: T, to: T + 100 })).toEqual(
        leadCounters({ starts: all, confirms: all, cancels: cancelled }),
      );
    });

    it('keeps every total equal to a recount, over any range and filter, as leads move between statuses', async () => {
      // Seeded so that a failure replays: leads, journal rows and first entries spread over four
      // days, two accounts, campaigns and chats; a second unit moves leads on and is committed twice.
      let x = 42;
      const int = (n: number): number => (x = (x * 1_103_515_245 + 12_345) % 2_147_483_648) % n;
      const DAY = 86_400;
      const start = T - DAY;
      const at = (): number => start + int(4 * DAY);
      const statuses = [wait, hold, approve, cancel, trash];
      const actions = ['join', 'leave', 'request', 'approve', 'ban'] as const;
      const leads = new Map<number, StoredLead>();
      const journal: JournalEntry[] = [];
      const transitions: LeadTransition[] = [];
      const first: StoredLead[] = [];
      for (let id = 1000; id < 1240; id++) {
        const lead = storedLead({
          id,
          account: 1 + int(2),
          campaign: 1 + int(3),
          subscriber: 700_000 + id,
          status: wait,
          startTime: at(),
        });
        first.push(lead);
        leads.set(id, lead);
        transitions.push(
          leadTransition({
            id: `${lead.seq}:0`,
            lead: id,
            startTime: lead.startTime,
            account: lead.account,
            campaign: lead.campaign,
            to: wait,
            time: lead.startTime,
          }),
        );
      }
      for (let id = 5000; id < 5300; id++)
        journal.push(
          journalEntry({
            id,
            account: 1 + int(2),
            bot: 10 + int(2),
            chat: -100 - int(2),
            subscriber: 800_000 + id,
            action: actions[int(actions.length)]!,
            paid: int(2) as 0 | 1,
            time: at(),
          }),
        );
      await commit({ leads: first, journal: journal.slice(0, 150), transitions: [...transitions] });
      const moved: StoredLead[] = [];
      for (const lead of first)
        if (int(3) > 0) {
          const status = statuses[1 + int(4)]!;
          const next = { ...lead, status, seq: lead.seq + 10_000, updated: lead.startTime + 60 };
          moved.push(next);
          leads.set(lead.id, next);
          const t = leadTransition({
            id: `${next.seq}:0`,
            lead: lead.id,
            startTime: lead.startTime,
            account: lead.account,
            campaign: lead.campaign,
            from: wait,
            to: status,
            first: int(4) > 0,
            time: lead.startTime + int(DAY),
          });
          transitions.push(t);
        }
      const second = work({ leads: moved, journal: journal.slice(150), transitions: transitions.slice(240) });
      await store().commit(second);
      await store().commit(second);

      const within = (t: number, from?: number, to?: number): boolean =>
        (from === undefined || t >= from) && (to === undefined || t <= to);
      for (let i = 0; i < 12; i++) {
        const a = start - 3600 + int(5 * DAY);
        const [from, to] = [
          i % 5 === 0 ? undefined : a,
          i % 4 === 0 ? undefined : a + int(i % 2 ? 7200 : 3 * DAY),
        ];
        const account = 1 + (i % 2);
        // Statistics always ask about a bounded range.
        const bounds = { from: from ?? start - 10 * DAY, to: to ?? start + 10 * DAY };
        const campaign = i % 3 === 0 ? undefined : 1 + int(3);
        const status = i % 2 === 0 ? undefined : statuses[int(5)];
        const leadsPage = await store().listLeads({
          account,
          campaign,
          status,
          from,
          to,
          limit: 1,
          offset: 0,
        });
        expect(leadsPage.total).toBe(
          [...leads.values()].filter(
            (l) =>
              l.account === account &&
              (campaign === undefined || l.campaign === campaign) &&
              (status === undefined || l.status === status) &&
              within(l.startTime, from, to),
          ).length,
        );
        const chat = i % 3 === 1 ? undefined : -100 - int(2);
        const bot = i % 4 === 1 ? undefined : 10 + int(2);
        const action = i % 2 === 1 ? undefined : actions[int(actions.length)];
        const journalPage = await store().listJournal({
          account,
          bot,
          chat,
          action,
          from,
          to,
          limit: 1,
          offset: 0,
        });
        const rows = journal.filter(
          (e) => e.account === account && (chat === undefined || e.chat === chat) && within(e.time, from, to),
        );
        expect(journalPage.total).toBe(
          rows.filter(
            (e) => (bot === undefined || e.bot === bot) && (action === undefined || e.action === action),
          ).length,
        );
        const organic = organicCounters();
        for (const e of rows)
          if (!e.paid && (e.action === 'join' || e.action === 'approve')) organic.joins++;
          else if (!e.paid && (e.action === 'leave' || e.action === 'ban')) organic.leaves++;
        expect(await store().countOrganic({ account, chat, ...bounds })).toEqual(organic);
        const firsts = leadCounters();
        const key = {
          [wait]: 'starts',
          [hold]: 'holds',
          [approve]: 'confirms',
          [cancel]: 'cancels',
          [trash]: 'trashes',
        } as const;
        for (const t of transitions)
          if (
            t.first &&
            t.account === account &&
            (campaign === undefined || t.campaign === campaign) &&
            within(t.time, from, to)
          )
            firsts[key[t.to]]++;
        expect(await store().countFirstEntries({ account, campaign, ...bounds })).toEqual(firsts);
      }
    });

    it('picks approved leads to recheck: inside their window first, least recently checked, none just changed', async () => {
      const approved = (id: number, o: Partial<StoredLead> = {}) =>
        storedLead({ id, status: approve, joinTime: T, updated: T, subscriber: 900 + id, ...o });
      await commit({
        leads: [
          approved(1),
          approved(2, { campaign: 77, joinTime: T + 500 }),
          approved(3, { campaign: 77, joinTime: T - 5000 }), // joined before the window
          approved(4, { updated: T + 900 }), // changed too recently
          approved(5, { bot: sample.bot + 1 }),
          storedLead({ id: 6, status: cancel, joinTime: T, updated: T }),
          approved(7),
        ],
      });
      const query = {
        bot: sample.bot,
        windows: [{ campaign: 77, joinedSince: T }],
        changedBefore: T + 600,
        limit: 10,
      };
      const ids = async (limit = 10) =>
        (await store().recheckCandidates({ ...query, limit })).map((l) => l.id);
      expect(await ids()).toEqual([2, 1, 3, 7]);
      expect(await ids(1)).toEqual([2]);

      await store().markChecked([2, 1], T + 100);
      expect(await ids()).toEqual([2, 3, 7, 1]);
      // When a lead was checked survives the lead changing.
      await store().markChecked([3, 7], T + 200);
      await commit({
        leads: [approved(3, { campaign: 77, joinTime: T - 5000, username: 'renamed', seq: 30 })],
      });
      expect(await ids()).toEqual([2, 1, 3, 7]);
      expect(await store().recheckCandidates({ ...query, bot: sample.bot + 1 })).toMatchObject([{ id: 5 }]);
    });
  });
}
