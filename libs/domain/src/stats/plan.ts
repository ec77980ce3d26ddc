import { dayStart, localDay, nextDay, previousDay } from '../time/time';

/** Inclusive Unix-second bounds of a stretch counted live from raw history. */
export interface LiveStretch {
  from: number;
  to: number;
}

export interface RangePlan {
  /** Whole past days answered by rollups (inclusive; `from` null = since the beginning), or null. */
  rollups: { from: string | null; to: string } | null;
  /** Partial days and today: recounted from raw history, so edges are exact to the second. */
  live: LiveStretch[];
}

/**
 * Splits an inclusive range into what daily rollups can answer (whole days before today, in the
 * account's zone) and what must be counted live (a partial first or last day, and today), so that
 * the total equals a recount of the raw history over exactly [from, to].
 */
export function planRange(from: number | undefined, to: number, tz: string, now: number): RangePlan {
  const live: LiveStretch[] = [];
  const todayStart = dayStart(localDay(now, tz), tz);
  let end = to;
  if (end >= todayStart) {
    live.push({ from: Math.max(from ?? todayStart, todayStart), to: end });
    end = todayStart - 1;
  }
  if (from !== undefined && from > end) return { rollups: null, live };

  const endDay = localDay(end, tz);
  const endDayStart = dayStart(endDay, tz);
  let rollTo = endDay;
  if (end !== dayStart(nextDay(endDay), tz) - 1) {
    live.push({ from: Math.max(from ?? endDayStart, endDayStart), to: end });
    rollTo = previousDay(endDay);
    end = endDayStart - 1;
    if (from !== undefined && from > end) return { rollups: null, live };
  }

  let rollFrom: string | null = null;
  if (from !== undefined) {
    const fromDay = localDay(from, tz);
    if (from === dayStart(fromDay, tz)) rollFrom = fromDay;
    else {
      live.push({ from, to: dayStart(nextDay(fromDay), tz) - 1 });
      rollFrom = nextDay(fromDay);
    }
  }
  return { rollups: rollFrom === null || rollFrom <= rollTo ? { from: rollFrom, to: rollTo } : null, live };
}
