/**
 * Calendar days in the account's time zone, as the API counts them, turned into the Unix-second
 * bounds its `from`/`to` parameters take. Intl only, so the result does not depend on the zone of
 * the browser that runs it.
 */

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wall(unix: number, tz: string): Wall {
  const p: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(new Date(unix * 1000)))
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour!, minute: p.minute!, second: p.second! };
}

const wallDay = (unix: number, tz: string): string => {
  const w = wall(unix, tz);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
};

/** Seconds the zone is ahead of UTC at that moment. */
function offsetAt(unix: number, tz: string): number {
  const w = wall(unix, tz);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) / 1000 - unix;
}

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
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** Unix seconds of the zone's midnight starting `YYYY-MM-DD` (its first moment, where DST skips midnight). */
export function dayStart(day: string, tz: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const naive = Date.UTC(y, m - 1, d) / 1000;
  // Two passes settle the offset when midnight sits next to a DST change.
  let guess = naive - offsetAt(naive, tz);
  guess = naive - offsetAt(guess, tz);
  while (wallDay(guess, tz) < day) guess += 3600;
  return guess;
}

/** The calendar day a moment falls on in the zone. */
export function dayOf(unixSeconds: number, tz: string): string {
  return wallDay(unixSeconds, tz);
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
  if (isDay(toDay)) range.to = dayStart(addDays(toDay, 1), tz) - 1;
  return range;
}

/** The last `days` calendar days in `tz`, today included, as `YYYY-MM-DD` bounds. */
export function lastDays(days: number, tz: string, nowMs: number): { from: string; to: string } {
  const today = dayOf(Math.floor(nowMs / 1000), tz);
  return { from: addDays(today, 1 - days), to: today };
}
