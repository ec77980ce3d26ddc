import { TokenBuckets } from './token-buckets';

describe('TokenBuckets', () => {
  it('allows a burst of the capacity, then the steady rate, per key', () => {
    const b = new TokenBuckets(60, 3);
    expect([b.take('k', 0), b.take('k', 0), b.take('k', 0)]).toEqual([0, 0, 0]);
    expect(b.take('k', 0)).toBe(1000);
    expect(b.take('other', 0)).toBe(0);
    expect(b.take('k', 999)).toBe(1);
    expect(b.take('k', 1000)).toBe(0);
    expect(b.take('k', 1000)).toBe(1000);
  });

  it('refills up to the capacity, never beyond', () => {
    const b = new TokenBuckets(60, 2);
    b.take('k', 0);
    b.take('k', 0);
    const later = 3_600_000;
    expect([b.take('k', later), b.take('k', later), b.take('k', later)]).toEqual([0, 0, 1000]);
  });

  it('peeks without taking', () => {
    const b = new TokenBuckets(20, 1);
    expect(b.peek('ip', 0)).toBe(0);
    b.take('ip', 0);
    expect(b.peek('ip', 0)).toBe(3000);
    expect(b.peek('ip', 0)).toBe(3000);
    expect(b.peek('ip', 3000)).toBe(0);
  });

  it('stays bounded: full buckets are forgotten first, then the oldest', () => {
    const b = new TokenBuckets(60, 1, 2);
    b.take('a', 0);
    b.take('b', 0);
    b.take('c', 0); // both busy: the oldest (a) goes
    expect(b.peek('a', 0)).toBe(0);
    expect(b.peek('b', 0)).toBe(1000);
    expect(b.peek('c', 0)).toBe(1000);
  });
});
