import type { LeadStore, NewWelcome, Welcome, WelcomeStore } from '@subtrack/ports';
import { newWelcome, sample, unitOfWork } from './builders';
import { useFixture, type Closable } from './harness';

/** Welcomes are created by LeadStore.commit, so the suite needs both stores on one backend. */
export interface WelcomeStoreFixture extends Closable {
  leads: LeadStore;
  welcomes: WelcomeStore;
}

/** Unix milliseconds, the worker's clock. */
const NOW = sample.time * 1000;
const LEASE = 60_000;
const ids = (rows: readonly { id: string }[]): string[] => rows.map((r) => r.id).sort();
/** A welcome as first stored. */
const fresh = (w: NewWelcome): Welcome => ({ ...w, state: 'pending', attempts: 0, lastError: '', nextAt: 0 });

/** The behaviour every WelcomeStore adapter must show. The factory opens empty stores. */
export function welcomeStoreContract(name: string, factory: () => Promise<WelcomeStoreFixture>): void {
  describe(`WelcomeStore contract: ${name}`, () => {
    const fixture = useFixture(factory);
    const store = (): WelcomeStore => fixture().welcomes;
    const commit = (welcomes: NewWelcome[]): Promise<void> =>
      fixture().leads.commit(unitOfWork({ welcomes }));

    it('creates welcomes with their start, pending and due at once, each once however often committed', async () => {
      const a = newWelcome({ id: '7:1001', lead: 1 });
      const b = newWelcome({ id: '7:1002', lead: 2, inviteLink: 'https://t.me/+known', joinRequest: false });
      await commit([a, b]);
      expect(await store().get('7:1001')).toEqual(fresh(a));
      expect(await store().get('7:1002')).toEqual(fresh(b));
      expect(await store().get('missing')).toBeNull();
      expect(await store().backlog()).toEqual({ pending: 2, oldestDue: 0 });

      await store().claimDue(NOW, 10, LEASE);
      await store().record('7:1001', { state: 'delivered', nextAt: 0, error: '', failed: false });
      // A redelivered or replayed start changes nothing of what was done.
      await commit([{ ...a, text: 'changed' }]);
      expect(await store().get('7:1001')).toMatchObject({ state: 'delivered', text: a.text });
      expect((await store().backlog()).pending).toBe(1);
    });

    it('hands a claimed welcome to no one else until its lease ends or its outcome is recorded', async () => {
      await commit([newWelcome({ id: 'w:1' }), newWelcome({ id: 'w:2' })]);
      expect(ids(await store().claimDue(NOW, 1, LEASE))).toHaveLength(1);
      expect(ids(await store().claimDue(NOW, 10, LEASE))).toHaveLength(1);
      expect(await store().claimDue(NOW + LEASE - 1, 10, LEASE)).toEqual([]);
      expect(ids(await store().claimDue(NOW + LEASE, 10, LEASE))).toEqual(['w:1', 'w:2']);
      expect(await store().claimDue(NOW, 0, LEASE)).toEqual([]);
    });

    it('records outcomes: a flood wait is no failed attempt, a retry is due at its time, a made link is kept', async () => {
      await commit([newWelcome({ id: 'w:10' }), newWelcome({ id: 'w:11' }), newWelcome({ id: 'w:12' })]);
      expect(await store().claimDue(NOW, 10, LEASE)).toHaveLength(3);

      await store().record('w:10', {
        state: 'pending',
        nextAt: NOW + 3000,
        error: 'sendMessage: Too Many Requests: retry after 3',
        failed: false,
        inviteLink: 'https://t.me/+made10',
      });
      await store().record('w:11', {
        state: 'pending',
        nextAt: NOW + 1000,
        error: 'sendMessage: 502',
        failed: true,
      });
      await store().record('w:12', {
        state: 'failed',
        nextAt: 0,
        error: 'sendMessage: Forbidden: bot was blocked by the user',
        failed: true,
      });
      expect(await store().get('w:10')).toMatchObject({
        state: 'pending',
        attempts: 0,
        inviteLink: 'https://t.me/+made10',
        lastError: 'sendMessage: Too Many Requests: retry after 3',
      });
      expect(await store().get('w:12')).toMatchObject({ state: 'failed', attempts: 1 });
      // The lease ends with the outcome: each is due at its own time, failed ones never.
      expect(await store().claimDue(NOW + 999, 10, LEASE)).toEqual([]);
      expect(ids(await store().claimDue(NOW + 1000, 10, LEASE))).toEqual(['w:11']);
      expect(ids(await store().claimDue(NOW + 3000, 10, LEASE))).toEqual(['w:10']);
      await store().record('w:10', { state: 'delivered', nextAt: 0, error: '', failed: false });
      expect(await store().get('w:10')).toMatchObject({
        state: 'delivered',
        lastError: '',
        inviteLink: 'https://t.me/+made10',
      });
      expect(await store().backlog()).toEqual({ pending: 1, oldestDue: NOW + 1000 });
    });

    it('finds the newest welcome of each lead of a page', async () => {
      await commit([
        newWelcome({ id: 'w:20', lead: 1, created: sample.time }),
        newWelcome({ id: 'w:21', lead: 1, created: sample.time + 60 }),
        newWelcome({ id: 'w:22', lead: 2, created: sample.time }),
      ]);
      const latest = await store().latestOf([1, 2, 3, 1]);
      expect([...latest.keys()].sort()).toEqual([1, 2]);
      expect(latest.get(1)?.id).toBe('w:21');
      expect(latest.get(2)?.id).toBe('w:22');
      expect(await store().latestOf([])).toEqual(new Map());
    });

    it('keeps welcomes when the lead store is reset for a rebuild', async () => {
      await commit([newWelcome({ id: 'w:30' })]);
      await store().claimDue(NOW, 10, LEASE);
      await store().record('w:30', { state: 'delivered', nextAt: 0, error: '', failed: false });
      await fixture().leads.reset();
      await commit([newWelcome({ id: 'w:30' })]);
      expect(await store().get('w:30')).toMatchObject({ state: 'delivered' });
    });
  });
}
