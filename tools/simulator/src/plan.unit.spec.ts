import { cr, expectedSummary, leadStatuses, plannedActions } from './expected';
import { planSimulation, type SimulationPlan, type SubscriberStep } from './plan';

const s = (...kinds: SubscriberStep['kind'][]): SubscriberStep[] =>
  kinds.map((kind) => (kind === 'start' ? { kind, click: 'c' } : { kind }));

describe('planSimulation', () => {
  const plan = planSimulation({ subscribers: 400, organic: 100, seed: 9, joinModes: ['request', 'direct'] });

  it('is deterministic per seed', () => {
    expect(
      planSimulation({ subscribers: 400, organic: 100, seed: 9, joinModes: ['request', 'direct'] }),
    ).toEqual(plan);
    expect(
      planSimulation({ subscribers: 400, organic: 100, seed: 10, joinModes: ['request', 'direct'] }),
    ).not.toEqual(plan);
  });

  it('alternates campaigns and starts every subscriber with /start and a click', () => {
    expect(plan.subscribers.map((x) => x.campaign).slice(0, 4)).toEqual([0, 1, 0, 1]);
    for (const sub of plan.subscribers) {
      const first = sub.steps[0];
      expect(first?.kind).toBe('start');
      expect(first && 'click' in first && /^[a-z0-9]{10}$/.test(first.click)).toBe(true);
    }
  });

  it('uses only the steps possible in each join mode, in a valid order', () => {
    for (const sub of plan.subscribers) {
      const kinds = sub.steps.map((x) => x.kind);
      if (plan.campaigns[sub.campaign]?.joinMode === 'request') expect(kinds).not.toContain('join');
      else {
        expect(kinds).not.toContain('request');
        expect(kinds).not.toContain('approve');
      }
      // A member-only step always follows an entry into the chat.
      let member = false;
      for (const kind of kinds) {
        if (kind === 'approve' || kind === 'join') member = true;
        if (kind === 'leave' || kind === 'kick' || kind === 'ban') {
          expect(member).toBe(true);
          member = false;
        }
      }
    }
  });

  it('covers every path with the default rates', () => {
    const kinds = new Set(plan.subscribers.flatMap((x) => x.steps.map((st) => st.kind)));
    expect([...kinds].sort()).toEqual(['approve', 'ban', 'join', 'kick', 'leave', 'request', 'start']);
    const e = expectedSummary(plan);
    expect(e.starts).toBe(400);
    for (const field of [
      'holds',
      'confirms',
      'cancels',
      'trashes',
      'organic_joins',
      'organic_leaves',
    ] as const) {
      expect(e[field]).toBeGreaterThan(0);
    }
  });

  it('rejects bad options', () => {
    expect(() => planSimulation({ subscribers: -1, organic: 0, seed: 1, joinModes: ['direct'] })).toThrow();
    expect(() => planSimulation({ subscribers: 1, organic: 0, seed: 1, joinModes: [] })).toThrow();
  });
});

describe('lead state machine (SPEC §4)', () => {
  it.each([
    [['start'], [0]],
    [['start', 'start'], [0]],
    [
      ['start', 'request'],
      [0, 1],
    ],
    [
      ['start', 'request', 'approve'],
      [0, 1, 2],
    ],
    [
      ['start', 'join', 'leave'],
      [0, 2, 3],
    ],
    [
      ['start', 'join', 'leave', 'join'],
      [0, 2, 3],
    ],
    [
      ['start', 'request', 'approve', 'ban'],
      [0, 1, 2, 4],
    ],
    [
      ['start', 'join', 'kick', 'join', 'leave'],
      [0, 2, 4, 3],
    ],
    [
      ['start', 'join', 'leave', 'ban'],
      [0, 2, 3, 4],
    ],
  ] as [SubscriberStep['kind'][], number[]][])('%j reaches %j', (kinds, statuses) => {
    expect([...leadStatuses(s(...kinds))].sort()).toEqual([...statuses].sort());
  });
});

describe('expectedSummary', () => {
  const plan: SimulationPlan = {
    seed: 1,
    campaigns: [{ joinMode: 'request' }, { joinMode: 'direct' }],
    subscribers: [
      { index: 0, campaign: 0, steps: s('start', 'request', 'approve', 'leave') },
      { index: 1, campaign: 0, steps: s('start', 'request') },
      { index: 2, campaign: 0, steps: s('start') },
      { index: 3, campaign: 1, steps: s('start', 'join', 'ban') },
      { index: 4, campaign: 1, steps: s('start', 'start', 'join', 'leave', 'join') },
    ],
    organic: [
      { index: 0, steps: [{ kind: 'join' }, { kind: 'leave' }, { kind: 'join' }] },
      { index: 1, steps: [{ kind: 'join' }, { kind: 'ban' }] },
    ],
  };

  it('counts each lead once per status, organic rows each time', () => {
    expect(expectedSummary(plan)).toEqual({
      starts: 5,
      holds: 2,
      confirms: 3,
      cancels: 2,
      trashes: 1,
      cr: 60,
      organic_joins: 3,
      organic_leaves: 2,
    });
    expect(expectedSummary(plan, 0)).toEqual({
      starts: 3,
      holds: 2,
      confirms: 1,
      cancels: 1,
      trashes: 0,
      cr: 33.3,
      organic_joins: 3,
      organic_leaves: 2,
    });
    expect(expectedSummary(plan, 1)).toMatchObject({
      starts: 2,
      confirms: 2,
      cancels: 1,
      trashes: 1,
      cr: 100,
    });
  });

  it('cr rounds to one decimal and is 0 without starts', () => {
    expect(cr(0, 0)).toBe(0);
    expect(cr(2, 3)).toBe(66.7);
    expect(cr(1, 8)).toBe(12.5);
  });

  it('lists planned actions, telling repeated /start apart', () => {
    expect(plannedActions(plan)).toEqual({
      start: 5,
      restart: 1,
      request: 2,
      approve: 1,
      join: 3,
      leave: 2,
      ban: 1,
      kick: 0,
      organic_join: 3,
      organic_leave: 1,
      organic_ban: 1,
    });
  });
});
