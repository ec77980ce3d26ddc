/** Sizes of the count buckets kept beside large tables, largest first: a day and an hour. */
export const BUCKET_SIZES = [86_400, 3_600] as const;
/**
 * Thirty days above them: a total over all of an account's years then reads a dozen counters a
 * year per combination of dimension values instead of 365.
 */
export const LONG_BUCKET_SIZES = [2_592_000, ...BUCKET_SIZES] as const;
export type BucketSize = (typeof LONG_BUCKET_SIZES)[number];

/** A half-open stretch of Unix seconds; infinite ends stand for "no bound". */
export interface Stretch {
  from: number;
  to: number;
}

export interface BucketPlan {
  /** Whole buckets to sum: bucket starts in [from, to) of the given size. */
  buckets: (Stretch & { size: BucketSize })[];
  /** What is left at the edges, under two hours in all: counted from the rows. */
  rows: Stretch[];
}

/** The bucket holding `time`, for a bucket of `size` seconds. */
export const bucketOf = (time: number, size: BucketSize): number => Math.floor(time / size) * size;

/**
 * Splits an inclusive range of Unix seconds into whole buckets of the largest size, then of the
 * next sizes at its edges, then the seconds left over, so that a total over millions of rows reads
 * a few hundred counters and counts at most two partial hours of rows, and still equals a recount
 * to the second. Each size must divide the one before it.
 */
export function planBuckets(
  from: number | undefined,
  to: number | undefined,
  sizes: readonly BucketSize[] = BUCKET_SIZES,
): BucketPlan {
  const plan: BucketPlan = { buckets: [], rows: [] };
  split(from ?? -Infinity, to === undefined ? Infinity : to + 1, sizes, 0, plan);
  return plan;
}

function split(
  from: number,
  to: number,
  sizes: readonly BucketSize[],
  level: number,
  plan: BucketPlan,
): void {
  if (from >= to) return;
  const size = sizes[level];
  if (size === undefined) {
    plan.rows.push({ from, to });
    return;
  }
  const first = from === -Infinity ? from : Math.ceil(from / size) * size;
  const end = to === Infinity ? to : Math.floor(to / size) * size;
  if (first >= end) {
    split(from, to, sizes, level + 1, plan);
    return;
  }
  split(from, first, sizes, level + 1, plan);
  plan.buckets.push({ size, from: first, to: end });
  split(end, to, sizes, level + 1, plan);
}
