/**
 * Token buckets per key: each holds up to `capacity` tokens and refills at `perMinute` a minute, so
 * a key may spend a burst at once and then its steady rate. Full buckets are forgotten when the map
 * grows past `maxKeys`, so keys that come and go cannot grow it without bound.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly perMinute: number,
    private readonly capacity = perMinute,
    private readonly maxKeys = 100_000,
  ) {}

  /** Takes a token for `key` at `nowMs`: 0 when there was one, else the ms until there is. */
  take(key: string, nowMs: number): number {
    const bucket = this.refilled(key, nowMs);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return this.wait(bucket);
  }

  /** The ms until `key` has a token again (0: it has one now); takes nothing. */
  peek(key: string, nowMs: number): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return 0;
    return this.refill(bucket, nowMs).tokens >= 1 ? 0 : this.wait(bucket);
  }

  private wait(bucket: { tokens: number }): number {
    // The epsilon keeps float dust from adding a millisecond.
    return Math.ceil(((1 - bucket.tokens) * 60_000) / this.perMinute - 1e-9);
  }

  private refill(bucket: { tokens: number; at: number }, nowMs: number) {
    const elapsed = Math.max(0, nowMs - bucket.at);
    bucket.tokens = Math.min(this.capacity, bucket.tokens + (elapsed * this.perMinute) / 60_000);
    bucket.at = Math.max(bucket.at, nowMs);
    return bucket;
  }

  private refilled(key: string, nowMs: number) {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.forgetFull(nowMs);
      bucket = { tokens: this.capacity, at: nowMs };
      this.buckets.set(key, bucket);
      return bucket;
    }
    return this.refill(bucket, nowMs);
  }

  private forgetFull(nowMs: number): void {
    for (const [key, bucket] of this.buckets)
      if (this.refill(bucket, nowMs).tokens >= this.capacity) this.buckets.delete(key);
    // Still full of busy keys: the oldest go, so the map stays bounded.
    for (const key of this.buckets.keys()) {
      if (this.buckets.size < this.maxKeys) break;
      this.buckets.delete(key);
    }
  }
}
