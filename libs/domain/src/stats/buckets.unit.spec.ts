import { LONG_BUCKET_SIZES, bucketOf, planBuckets, type BucketPlan } from './buckets';

const DAY = 86_400;
const HOUR = 3_600;
const T0 = Date.UTC(2026, 0, 1) / 1000;

/** A seeded integer source in [min, max], so a failure replays. */
function ints(seed: number): (min: number, max: number) => number {
  let x = seed;
  return (min, max) => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return min + (x % (max - min + 1));
  };
}

/** What a store answers from a plan: bucket counters summed plus the leftover rows counted. */
function countByPlan(times: number[], plan: BucketPlan): number {
  let n = 0;
  for (const b of plan.buckets)
    for (const t of times) {
      const start = bucketOf(t, b.size);
      if (start >= b.from && start < b.to) n++;
    }
  for (const r of plan.rows) n += times.filter((t) => t >= r.from && t < r.to).length;
  return n;
}

describe('planBuckets', () => {
  it('answers a whole day from one day bucket and nothing else', () => {
    expect(planBuckets(T0, T0 + DAY - 1)).toEqual({
      buckets: [{ size: DAY, from: T0, to: T0 + DAY }],
      rows: [],
    });
  });

  it('takes whole hours at the edges of whole days and leaves only seconds to count', () => {
    const plan = planBuckets(T0 - 2 * HOUR - 10, T0 + DAY + HOUR + 4);
    expect(plan.buckets).toEqual([
      { size: HOUR, from: T0 - 2 * HOUR, to: T0 },
      { size: DAY, from: T0, to: T0 + DAY },
      { size: HOUR, from: T0 + DAY, to: T0 + DAY + HOUR },
    ]);
    expect(plan.rows).toEqual([
      { from: T0 - 2 * HOUR - 10, to: T0 - 2 * HOUR },
      { from: T0 + DAY + HOUR, to: T0 + DAY + HOUR + 5 },
    ]);
  });

  it('counts a range inside one hour from the rows alone', () => {
    expect(planBuckets(T0 + 60, T0 + 120)).toEqual({ buckets: [], rows: [{ from: T0 + 60, to: T0 + 121 }] });
  });

  it('leaves open ends open', () => {
    expect(planBuckets(undefined, undefined)).toEqual({
      buckets: [{ size: DAY, from: -Infinity, to: Infinity }],
      rows: [],
    });
    expect(planBuckets(T0 + 1, undefined).buckets.at(-1)).toEqual({
      size: DAY,
      from: T0 + DAY,
      to: Infinity,
    });
    expect(planBuckets(undefined, T0 - 1)).toEqual({
      buckets: [{ size: DAY, from: -Infinity, to: T0 }],
      rows: [],
    });
  });

  it('gives a recount to the second for any range', () => {
    const int = ints(7);
    const times = Array.from({ length: 3000 }, () => T0 + int(-3 * DAY, 3 * DAY));
    for (let i = 0; i < 500; i++) {
      const a = T0 + int(-4 * DAY, 4 * DAY);
      const b = a + int(0, i % 2 ? 2 * HOUR : 3 * DAY);
      const from = i % 17 === 0 ? undefined : a;
      const to = i % 13 === 0 ? undefined : b;
      const expected = times.filter(
        (t) => (from === undefined || t >= from) && (to === undefined || t <= to),
      );
      const plan = planBuckets(from, to);
      expect(countByPlan(times, plan)).toBe(expected.length);
      // At most two partial hours of rows are ever counted.
      expect(plan.rows.reduce((n, r) => n + r.to - r.from, 0)).toBeLessThan(2 * HOUR);
    }
  });

  it('with thirty-day buckets too: a recount to the second, whole months in the middle', () => {
    const int = ints(11);
    const times = Array.from({ length: 3000 }, () => T0 + int(-400 * DAY, 400 * DAY));
    for (let i = 0; i < 300; i++) {
      const a = T0 + int(-420 * DAY, 420 * DAY);
      const b = a + int(0, i % 3 ? 40 * DAY : 700 * DAY);
      const from = i % 17 === 0 ? undefined : a;
      const to = i % 13 === 0 ? undefined : b;
      const expected = times.filter(
        (t) => (from === undefined || t >= from) && (to === undefined || t <= to),
      );
      const plan = planBuckets(from, to, LONG_BUCKET_SIZES);
      expect(countByPlan(times, plan)).toBe(expected.length);
      expect(plan.rows.reduce((n, r) => n + r.to - r.from, 0)).toBeLessThan(2 * HOUR);
      // Never more than 29 whole days on either side of the months.
      const days = plan.buckets.filter((x) => x.size === DAY);
      expect(days.reduce((n, x) => n + (x.to - x.from) / DAY, 0)).toBeLessThanOrEqual(2 * 29);
    }
    expect(planBuckets(undefined, undefined, LONG_BUCKET_SIZES)).toEqual({
      buckets: [{ size: 30 * DAY, from: -Infinity, to: Infinity }],
      rows: [],
    });
  });
});
