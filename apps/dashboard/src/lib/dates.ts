/**
 * Calendar days in the account's time zone, as the API counts them, turned into the Unix-second
 * bounds its `from`/`to` parameters take: the domain's own day arithmetic (Intl only), so the result
 * does not depend on the zone of the browser and equals the server's day boundaries.
 */
import { dayStart, localDay, nextDay, previousDay } from '@subtrack/domain';

export { dayStart };

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a `YYYY-MM-DD` string naming a real calendar day. */
export function isDay(day: string): boolean {
  const m = DAY.exec(day);
  if (!m) return false;
  const t = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return (
    t.getUTCFullYear() === Number(m[1]) &&
    t.getUTCMonth() + 1 === Number(m[2]) &&
    t.getUTCDate() === Number(m[3])
  );
}

/** The day `n` days after `YYYY-MM-DD` (before, for negative `n`). */
export function addDays(day: string, n: number): string {
  let d = day;
  for (let i = 0; i < Math.abs(n); i++) d = n > 0 ? nextDay(d) : previousDay(d);
  return d;
}

/** The calendar day a moment falls on in the zone. */
export function dayOf(unixSeconds: number, tz: string): string {
  return localDay(unixSeconds, tz);
}

export interface UnixRange {
  from?: number;
  to?: number;
}

/**
 * The `from`/`to` of an inclusive range of calendar days in `tz`: `from` is the midnight starting the
 * From day, `to` the last second of the To day. An empty or malformed side is left open.
 */
export function dayRangeToUnix(fromDay: string, toDay: string, tz: string): UnixRange {
  const range: UnixRange = {};
  if (isDay(fromDay)) range.from = dayStart(fromDay, tz);
  if (isDay(toDay)) range.to = dayStart(nextDay(toDay), tz) - 1;
  return range;
}

/** The last `days` calendar days in `tz`, today included, as `YYYY-MM-DD` bounds. */
export function lastDays(days: number, tz: string, nowMs: number): { from: string; to: string } {
  const today = dayOf(Math.floor(nowMs / 1000), tz);
  return { from: addDays(today, 1 - days), to: today };
}
