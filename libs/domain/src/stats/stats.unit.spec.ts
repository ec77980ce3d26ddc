import { LeadStatus } from '@subtrack/contracts';
import {
  addLeadCounters,
  addOrganicCounters,
  conversionRate,
  counterFor,
  emptyLeadCounters,
  emptyOrganicCounters,
  organicCounterFor,
  seriesPoint,
  summarize,
  type LeadCounters,
} from './stats';

const counters = (
  starts: number,
  holds: number,
  confirms: number,
  cancels: number,
  trashes: number,
): LeadCounters => ({
  starts,
  holds,
  confirms,
  cancels,
  trashes,
});

describe('conversionRate (SPEC §6: confirms / starts × 100, one decimal, 0 without starts)', () => {
  it.each([
    [420, 500, 84],
    [1, 3, 33.3],
    [2, 3, 66.7],
    [0, 0, 0],
    [5, 0, 0],
    [0, 10, 0],
    [10, 10, 100],
    [19, 22, 86.4],
    [1, 7, 14.3],
    [12, 10, 120], // confirms in range of leads started before it
  ])('%i / %i → %d', (confirms, starts, cr) => {
    expect(conversionRate(confirms, starts)).toBe(cr);
  });

  it.each([
    [1, 8, 12.5],
    [1, 16, 6.3], // 6.25 → 6.3
    [201, 400, 50.3], // 50.25 → 50.3; (201/400)*1000 is 502.49999… in floating point
    [203, 400, 50.8], // 50.75
    [1001, 2000, 50.1], // 50.05
  ])('exact halves round up: %i / %i → %d', (confirms, starts, cr) => {
    expect(conversionRate(confirms, starts)).toBe(cr);
  });

  it('serializes like the seed (84.0 is the JSON number 84)', () => {
    expect(JSON.stringify({ cr: conversionRate(420, 500) })).toBe('{"cr":84}');
    expect(JSON.stringify({ cr: conversionRate(1, 3) })).toBe('{"cr":33.3}');
  });

  it('always has at most one decimal', () => {
    const wrong: string[] = [];
    for (let starts = 1; starts <= 300; starts++) {
      for (let confirms = 0; confirms <= starts; confirms++) {
        const cr = conversionRate(confirms, starts);
        if (!/^\d+(\.\d)?$/.test(String(cr)) || Math.abs(cr - (confirms / starts) * 100) > 0.05 + 1e-9) {
          wrong.push(`${confirms}/${starts}=${cr}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('counterFor', () => {
  it('maps each status to the counter of leads entering it', () => {
    expect(counterFor(LeadStatus.wait)).toBe('starts');
    expect(counterFor(LeadStatus.hold)).toBe('holds');
    expect(counterFor(LeadStatus.approve)).toBe('confirms');
    expect(counterFor(LeadStatus.cancel)).toBe('cancels');
    expect(counterFor(LeadStatus.trash)).toBe('trashes');
  });
});

describe('organicCounterFor', () => {
  it.each([
    ['join', 'joins'],
    ['approve', 'joins'],
    ['leave', 'leaves'],
    ['ban', 'leaves'],
    ['request', null],
  ] as const)('journal %s → %s', (action, counter) => {
    expect(organicCounterFor(action)).toBe(counter);
  });
});

describe('counter arithmetic', () => {
  it('empty counters are all zero and fresh objects', () => {
    expect(emptyLeadCounters()).toEqual(counters(0, 0, 0, 0, 0));
    expect(emptyOrganicCounters()).toEqual({ joins: 0, leaves: 0 });
    const a = emptyLeadCounters();
    a.starts++;
    expect(emptyLeadCounters().starts).toBe(0);
  });

  it('adds field by field', () => {
    expect(addLeadCounters(counters(1, 2, 3, 4, 5), counters(10, 20, 30, 40, 50))).toEqual(
      counters(11, 22, 33, 44, 55),
    );
    expect(addOrganicCounters({ joins: 1, leaves: 2 }, { joins: 3, leaves: 4 })).toEqual({
      joins: 4,
      leaves: 6,
    });
  });
});

describe('summarize (seed: GET /api/stats/summary.json data)', () => {
  it('has exactly the seed fields, in the seed order', () => {
    const summary = summarize(counters(500, 12, 420, 35, 8), { joins: 150, leaves: 42 });
    expect(summary).toEqual({
      starts: 500,
      holds: 12,
      confirms: 420,
      cancels: 35,
      trashes: 8,
      cr: 84,
      organic_joins: 150,
      organic_leaves: 42,
    });
    expect(Object.keys(summary)).toEqual([
      'starts',
      'holds',
      'confirms',
      'cancels',
      'trashes',
      'cr',
      'organic_joins',
      'organic_leaves',
    ]);
  });

  it('an empty range is all zeros with cr 0', () => {
    expect(summarize(emptyLeadCounters(), emptyOrganicCounters())).toEqual({
      starts: 0,
      holds: 0,
      confirms: 0,
      cancels: 0,
      trashes: 0,
      cr: 0,
      organic_joins: 0,
      organic_leaves: 0,
    });
  });
});

describe('seriesPoint (seed: GET /api/stats/series.json rows)', () => {
  it('has exactly the seed fields; organic is the organic joins of the day', () => {
    const point = seriesPoint('2026-05-20', counters(22, 3, 19, 2, 0), { joins: 8, leaves: 4 });
    expect(point).toEqual({
      date: '2026-05-20',
      starts: 22,
      confirms: 19,
      cancels: 2,
      trashes: 0,
      organic: 8,
    });
    expect(Object.keys(point)).toEqual(['date', 'starts', 'confirms', 'cancels', 'trashes', 'organic']);
  });
});
