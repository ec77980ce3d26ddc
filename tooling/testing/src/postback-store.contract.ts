import type {
  LeadStore,
  LeadUnitOfWork,
  NewPostback,
  PageOf,
  PostbackAttempt,
  PostbackDelivery,
  PostbackStore,
} from '@subtrack/ports';
import { newPostback, sample, storedLead, unitOfWork } from './builders';
import { useFixture, type Closable } from './harness';

/** Postbacks are created by LeadStore.commit, so the suite needs both stores on one backend. */
export interface PostbackStoreFixture extends Closable {
  leads: LeadStore;
  postbacks: PostbackStore;
}

const T = sample.time;
/** Unix milliseconds, the worker's clock. */
const NOW = T * 1000;
const LEASE = 30_000;
const everything = { limit: 10_000, offset: 0 };
const idsOf = (page: PageOf<{ id: string }> | readonly { id: string }[]): string[] =>
  ('rows' in page ? page.rows : page).map((r) => r.id);
const work = unitOfWork;
const attempt = (o: Partial<PostbackAttempt> = {}): PostbackAttempt => ({
  at: NOW,
  status: 500,
  error: 'HTTP 500',
  durationMs: 120,
  ...o,
});
/** A delivery as first stored. */
const fresh = (p: NewPostback): PostbackDelivery => ({ ...p, state: 'pending', attempts: [], nextAt: 0 });

/** The behaviour every PostbackStore adapter must show. The factory opens empty stores. */
export function postbackStoreContract(name: string, factory: () => Promise<PostbackStoreFixture>): void {
  describe(`PostbackStore contract: ${name}`, () => {
    const fixture = useFixture(factory);
    const store = (): PostbackStore => fixture().postbacks;
    const commit = (postbacks: NewPostback[], w: Partial<LeadUnitOfWork> = {}): Promise<void> =>
      fixture().leads.commit(work({ postbacks, ...w }));

    it('creates deliveries with their status change: pending, no attempts, due at once', async () => {
      const a = newPostback({ id: 'ev:1', lead: 1, status: 'wait' });
      const b = newPostback({ id: 'ev:2', lead: 2, method: 'POST', body: '{"lead":2}' });
      await commit([a, b]);

      expect(await store().get('ev:1')).toEqual(fresh(a));
      expect(await store().get('missing')).toBeNull();
      const claimed = await store().claimDue(NOW, 10, LEASE);
      expect([...claimed].sort((x, y) => x.id.localeCompare(y.id))).toEqual([fresh(a), fresh(b)]);
    });

    it('creates each delivery once: a second commit of the same ids changes nothing', async () => {
      const p = newPostback({ id: 'ev:10' });
      await commit([p]);
      const [claimed] = await store().claimDue(NOW, 10, LEASE);
      expect(claimed?.id).toBe('ev:10');
      await store().recordAttempt('ev:10', attempt(), { state: 'pending', nextAt: NOW + 60_000 });
      const before = await store().get('ev:10');

      await commit([{ ...p, url: 'https://changed.example/' }, newPostback({ id: 'ev:11' })]);
      expect(await store().get('ev:10')).toEqual(before);
      expect(before).toEqual({ ...fresh(p), attempts: [attempt()], nextAt: NOW + 60_000 });
      const all = await store().list({ account: sample.account, ...everything });
      expect(all.total).toBe(2);
      expect(idsOf(await store().claimDue(NOW, 10, LEASE))).toEqual(['ev:11']);
    });

    it('hands a claimed delivery to no one else until its lease ends', async () => {
      await commit([newPostback({ id: 'ev:20' }), newPostback({ id: 'ev:21' })]);
      expect(idsOf(await store().claimDue(NOW, 1, LEASE))).toHaveLength(1);
      const [first] = idsOf(await store().claimDue(NOW, 10, LEASE));
      expect(first).toBeDefined();
      expect(await store().claimDue(NOW + 1, 10, LEASE)).toEqual([]);
      expect(await store().claimDue(NOW + LEASE - 1, 10, LEASE)).toEqual([]);

      // Both leases end at NOW + LEASE; the one claimed later is held again afterwards.
      const again = await store().claimDue(NOW + LEASE, 10, LEASE);
      expect(idsOf(again).sort()).toEqual(['ev:20', 'ev:21']);
      expect(await store().claimDue(NOW + LEASE + 1, 10, LEASE)).toEqual([]);
      expect(await store().claimDue(NOW, 0, LEASE)).toEqual([]);
    });

    it('claims the oldest due first', async () => {
      await commit(['ev:30', 'ev:31', 'ev:32'].map((id) => newPostback({ id })));
      for (const [id, at] of [
        ['ev:30', NOW + 300],
        ['ev:31', NOW + 100],
        ['ev:32', NOW + 200],
      ] as const) {
        await store().claimDue(NOW, 10, 1);
        await store().recordAttempt(id, attempt(), { state: 'pending', nextAt: at });
      }
      expect(idsOf(await store().claimDue(NOW + 1_000, 2, LEASE))).toEqual(['ev:31', 'ev:32']);
    });

    it('records attempts: delivered and failed ones are never claimed, a retry only once due', async () => {
      await commit(['ev:40', 'ev:41', 'ev:42'].map((id) => newPostback({ id })));
      expect(await store().backlog()).toEqual({ pending: 3, oldestDue: 0 });
      expect(await store().claimDue(NOW, 10, LEASE)).toHaveLength(3);

      const ok = attempt({ status: 200, error: '', durationMs: 80 });
      await store().recordAttempt('ev:40', ok, { state: 'delivered', nextAt: 0 });
      await store().recordAttempt('ev:41', attempt(), { state: 'failed', nextAt: 0 });
      const first = attempt({ status: null, error: 'timeout' });
      await store().recordAttempt('ev:42', first, { state: 'pending', nextAt: NOW + 5_000 });
      // The lease ends with the attempt: the retry is due at its own time, not the lease's.
      expect(await store().claimDue(NOW + 4_999, 10, LEASE)).toEqual([]);
      const [retry] = await store().claimDue(NOW + 5_000, 10, LEASE);
      expect(retry).toMatchObject({ id: 'ev:42', state: 'pending', attempts: [first], nextAt: NOW + 5_000 });

      const second = attempt({ at: NOW + 5_000, status: 502, error: 'HTTP 502' });
      await store().recordAttempt('ev:42', second, { state: 'pending', nextAt: NOW + 20_000 });
      expect(await store().get('ev:42')).toMatchObject({ attempts: [first, second], nextAt: NOW + 20_000 });
      expect(await store().get('ev:40')).toMatchObject({ state: 'delivered', attempts: [ok] });
      expect(await store().get('ev:41')).toMatchObject({ state: 'failed', attempts: [attempt()] });
      // What the outbox still owes: the one retry, due at its time.
      expect(await store().backlog()).toEqual({ pending: 1, oldestDue: NOW + 20_000 });

      const later = NOW + 10 * 24 * 3600_000;
      expect(idsOf(await store().claimDue(later, 10, LEASE))).toEqual(['ev:42']);
    });

    it('lists deliveries newest first by created then id, filtered and paged, with the total', async () => {
      // 'b' and 'c' share a second; 'x' is another account's.
      const rows = [
        newPostback({ id: 'a', campaign: 1, status: 'wait', created: T }),
        newPostback({ id: 'b', campaign: 1, status: 'approve', created: T + 10 }),
        newPostback({ id: 'c', campaign: 2, status: 'approve', created: T + 10 }),
        newPostback({ id: 'd', campaign: 2, status: 'cancel', created: T + 20 }),
        newPostback({ id: 'e', campaign: 1, status: 'hold', created: T + 5 }),
        newPostback({ id: 'x', account: 2, campaign: 9, status: 'wait', created: T + 15 }),
      ];
      await commit(rows);
      await store().claimDue(NOW, 10, LEASE);
      await store().recordAttempt('b', attempt({ status: 200, error: '' }), {
        state: 'delivered',
        nextAt: 0,
      });
      await store().recordAttempt('d', attempt(), { state: 'failed', nextAt: 0 });
      const list = (q: object) => store().list({ account: 1, ...everything, ...q });

      const all = await list({});
      expect(idsOf(all)).toEqual(['d', 'c', 'b', 'e', 'a']);
      expect(all.total).toBe(5);
      expect(all.rows[1]).toEqual(fresh(rows[2]!));
      expect(idsOf(await list({ campaign: 1 }))).toEqual(['b', 'e', 'a']);
      expect(idsOf(await list({ status: 'approve' }))).toEqual(['c', 'b']);
      expect(idsOf(await list({ state: 'pending' }))).toEqual(['c', 'e', 'a']);
      expect(idsOf(await list({ state: 'delivered' }))).toEqual(['b']);
      expect(idsOf(await list({ campaign: 2, state: 'failed' }))).toEqual(['d']);
      expect(idsOf(await list({ from: T + 5, to: T + 10 }))).toEqual(['c', 'b', 'e']);
      expect(idsOf(await list({ from: T + 11 }))).toEqual(['d']);
      expect(idsOf(await list({ to: T + 4 }))).toEqual(['a']);
      const page = await list({ limit: 2, offset: 1 });
      expect({ ids: idsOf(page), total: page.total }).toEqual({ ids: ['c', 'b'], total: 5 });
      expect(await list({ limit: 2, offset: 10 })).toEqual({ rows: [], total: 5 });
      expect(await list({ limit: 0, offset: 0 })).toEqual({ rows: [], total: 5 });
      expect(await list({ status: 'trash' })).toEqual({ rows: [], total: 0 });
      expect(idsOf(await store().list({ account: 2, ...everything }))).toEqual(['x']);
      expect(await store().list({ account: 3, ...everything })).toEqual({ rows: [], total: 0 });
    });

    it("lists one lead's deliveries with their exact total, beside the other filters", async () => {
      const rows = [
        newPostback({ id: 'l1', lead: 7, campaign: 1, status: 'wait', created: T }),
        newPostback({ id: 'l2', lead: 7, campaign: 1, status: 'hold', created: T + 30 }),
        newPostback({ id: 'l3', lead: 7, campaign: 1, status: 'approve', created: T + 60 }),
        newPostback({ id: 'm1', lead: 8, campaign: 1, status: 'wait', created: T + 10 }),
        newPostback({ id: 'n1', lead: 9, campaign: 2, status: 'wait', created: T + 20 }),
      ];
      await commit(rows);
      await store().claimDue(NOW, 10, LEASE);
      await store().recordAttempt('l2', attempt({ status: 200, error: '' }), {
        state: 'delivered',
        nextAt: 0,
      });
      const list = (q: object) => store().list({ account: 1, ...everything, ...q });

      const seven = await list({ lead: 7 });
      expect({ ids: idsOf(seven), total: seven.total }).toEqual({ ids: ['l3', 'l2', 'l1'], total: 3 });
      expect(seven.rows[2]).toEqual(fresh(rows[0]!));
      const page = await list({ lead: 7, limit: 1, offset: 1 });
      expect({ ids: idsOf(page), total: page.total }).toEqual({ ids: ['l2'], total: 3 });
      expect(await list({ lead: 7, limit: 0 })).toEqual({ rows: [], total: 3 });
      expect(idsOf(await list({ lead: 7, state: 'pending' }))).toEqual(['l3', 'l1']);
      expect(idsOf(await list({ lead: 7, status: 'hold' }))).toEqual(['l2']);
      expect(idsOf(await list({ lead: 7, from: T + 1, to: T + 30 }))).toEqual(['l2']);
      expect(idsOf(await list({ lead: 9, campaign: 2 }))).toEqual(['n1']);
      expect(await list({ lead: 9, campaign: 1 })).toEqual({ rows: [], total: 0 });
      expect(await list({ lead: 404 })).toEqual({ rows: [], total: 0 });
      // Another account sees none of them, whatever lead it names.
      expect(await store().list({ account: 2, lead: 7, ...everything })).toEqual({ rows: [], total: 0 });
      // The other filters count as before.
      expect((await list({})).total).toBe(5);
      expect((await list({ campaign: 1 })).total).toBe(4);
      expect((await list({ state: 'delivered' })).total).toBe(1);
    });

    it("finds each lead's latest delivery: newest created, then highest id", async () => {
      await commit([
        newPostback({ id: 'p:1', lead: 1, status: 'wait', created: T }),
        newPostback({ id: 'p:2', lead: 1, status: 'hold', created: T + 60 }),
        // Same second: the higher id is the latest, whatever order they came in.
        newPostback({ id: 'p:4', lead: 2, status: 'approve', created: T + 30 }),
        newPostback({ id: 'p:3', lead: 2, status: 'hold', created: T + 30 }),
        newPostback({ id: 'p:5', lead: 2, status: 'wait', created: T }),
        newPostback({ id: 'p:6', lead: 3, account: 2, created: T }),
      ]);
      await store().claimDue(NOW, 10, LEASE);
      const failed = attempt();
      await store().recordAttempt('p:2', failed, { state: 'failed', nextAt: 0 });

      const latest = await store().latestOf([1, 2, 3, 4, 1]);
      expect([...latest.keys()].sort()).toEqual([1, 2, 3]);
      expect(latest.get(1)).toMatchObject({ id: 'p:2', status: 'hold', state: 'failed', attempts: [failed] });
      expect(latest.get(2)?.id).toBe('p:4');
      expect(latest.get(3)?.id).toBe('p:6');
      expect(await store().latestOf([])).toEqual(new Map());

      // A newer status change of the lead is its latest from then on.
      const newer = newPostback({ id: 'p:0', lead: 1, status: 'approve', created: T + 61 });
      await commit([newer]);
      expect((await store().latestOf([1])).get(1)).toEqual(fresh(newer));
    });

    it('re-sends a delivered or failed delivery: due again, attempts kept', async () => {
      await commit([
        newPostback({ id: 'ev:50' }),
        newPostback({ id: 'ev:51' }),
        newPostback({ id: 'ev:52' }),
      ]);
      await store().claimDue(NOW, 10, LEASE);
      const ok = attempt({ status: 200, error: '' });
      await store().recordAttempt('ev:50', ok, { state: 'delivered', nextAt: 0 });
      await store().recordAttempt('ev:51', attempt(), { state: 'failed', nextAt: 0 });

      const at = NOW + 60_000;
      await store().resend('ev:50', at);
      await store().resend('ev:51', at);
      await store().resend('missing', at);
      expect(await store().get('ev:50')).toMatchObject({ state: 'pending', nextAt: at, attempts: [ok] });
      // Only ev:52 is due before `at`: never attempted, its first lease over since NOW + LEASE.
      expect(idsOf(await store().claimDue(at - 1, 10, LEASE))).toEqual(['ev:52']);
      const claimed = await store().claimDue(at, 10, LEASE);
      expect(idsOf(claimed).sort()).toEqual(['ev:50', 'ev:51']);
      expect(claimed.find((d) => d.id === 'ev:51')?.attempts).toEqual([attempt()]);

      // A re-send also ends a running lease.
      await store().resend('ev:52', at + 1);
      expect(idsOf(await store().claimDue(at + 1, 10, LEASE))).toEqual(['ev:52']);
    });

    it('keeps deliveries when the lead store is reset for a rebuild', async () => {
      const p = newPostback({ id: 'ev:60' });
      await commit([p], { leads: [storedLead({ id: 60 })] });
      await fixture().leads.claim([{ id: 'ev:60', seq: 60 }]);
      await store().claimDue(NOW, 10, LEASE);
      await store().recordAttempt('ev:60', attempt({ status: 200, error: '' }), {
        state: 'delivered',
        nextAt: 0,
      });
      const before = await store().get('ev:60');

      await fixture().leads.reset();
      // The claimed ids are forgotten: the rebuild's events are no copies.
      expect(await fixture().leads.claim([{ id: 'ev:60', seq: 61 }])).toEqual(new Set());
      expect(await store().get('ev:60')).toEqual(before);
      // The rebuild commits the same change again: still the one delivery, not sent again.
      await commit([p]);
      expect(await store().get('ev:60')).toEqual(before);
      expect(await store().claimDue(NOW + LEASE, 10, LEASE)).toEqual([]);
    });
  });
}
