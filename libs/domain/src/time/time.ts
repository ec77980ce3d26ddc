/**
 * Calendar arithmetic in an account's IANA time zone, with Intl only. Days are local calendar days,
 * so a day can be 23 or 25 hours long across a DST change.
 */

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

export function isValidTimeZone(tz: string): boolean {
  if (tz === '') return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall clock in the zone, asked of Intl: exact, and the slowest step of every date shown. */
function intlWall(unix: number, tz: string): Wall {
  const p: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(new Date(unix * 1000))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour!, minute: p.minute!, second: p.second! };
}

/** Seconds the zone is ahead of UTC at that moment. */
function intlOffset(unix: number, tz: string): number {
  const w = intlWall(unix, tz);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) / 1000 - unix;
}

// A zone's offset per UTC hour: a page of 100 rows, or a series of a year, asks Intl once per hour
// it touches instead of once per date. An hour whose two ends disagree holds a change of offset
// (DST, or a zone's own history at half hours) and is asked of Intl moment by moment. Bounded, so
// odd inputs cannot grow it without end.
const hourOffsets = new Map<string, number>();
const HOUR_OFFSETS_KEPT = 100_000;
const CHANGES_WITHIN = Number.NaN;

function offsetAt(unix: number, tz: string): number {
  const hour = Math.floor(unix / 3600) * 3600;
  const key = `${tz}|${hour}`;
  let offset = hourOffsets.get(key);
  if (offset === undefined) {
    const first = intlOffset(hour, tz);
    offset = first === intlOffset(hour + 3599, tz) ? first : CHANGES_WITHIN;
    if (hourOffsets.size >= HOUR_OFFSETS_KEPT) hourOffsets.clear();
    hourOffsets.set(key, offset);
  }
  return Number.isNaN(offset) ? intlOffset(unix, tz) : offset;
}

function wall(unix: number, tz: string): Wall {
  const t = new Date((unix + offsetAt(unix, tz)) * 1000);
  return {
    year: t.getUTCFullYear(),
    month: t.getUTCMonth() + 1,
    day: t.getUTCDate(),
    hour: t.getUTCHours(),
    minute: t.getUTCMinutes(),
    second: t.getUTCSeconds(),
  };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `YYYY-MM-DD HH:MM:SS` in the time zone; the seed's "0000-00-00 00:00:00" for 0. */
export function formatDateTime(unix: number, tz: string): string {
  if (unix === 0) return '0000-00-00 00:00:00';
  const w = wall(unix, tz);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

function wallDay(unix: number, tz: string): string {
  const w = wall(unix, tz);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

// The last day found per zone, as its [start, next start): events arrive roughly in time order,
// so most lookups land in it and skip Intl altogether.
const lastDays = new Map<string, { from: number; to: number; day: string }>();

/** The local calendar day (`YYYY-MM-DD`) a moment falls on. */
export function localDay(unix: number, tz: string): string {
  const last = lastDays.get(tz);
  if (last && unix >= last.from && unix < last.to) return last.day;
  const day = wallDay(unix, tz);
  const from = dayStart(day, tz);
  const to = dayStart(nextDay(day), tz);
  if (unix >= from && unix < to) lastDays.set(tz, { from, to, day });
  return day;
}

// A zone's midnights do not change while the process runs: each is computed once (a series over a
// year asks for 366 of them per request). Bounded, so odd inputs cannot grow it without end.
const dayStarts = new Map<string, number>();
const DAY_STARTS_KEPT = 100_000;

/** Unix seconds of local midnight starting the day `YYYY-MM-DD`. */
export function dayStart(day: string, tz: string): number {
  const key = `${tz}|${day}`;
  let start = dayStarts.get(key);
  if (start === undefined) {
    if (dayStarts.size >= DAY_STARTS_KEPT) dayStarts.clear();
    dayStarts.set(key, (start = computeDayStart(day, tz)));
  }
  return start;
}

function computeDayStart(day: string, tz: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const naive = Date.UTC(y, m - 1, d) / 1000;
  // Two passes settle the offset when midnight sits next to a DST change.
  let guess = naive - offsetAt(naive, tz);
  guess = naive - offsetAt(guess, tz);
  // A zone that skips midnight itself (DST at 00:00) starts the day at the first moment that exists.
  while (wallDay(guess, tz) !== day && wallDay(guess, tz) < day) guess += 3600;
  return guess;
}

// Calendars do not change either: a series of a year walks the same days request after request.
const nextDays = new Map<string, string>();

/** The next calendar day after `YYYY-MM-DD`. */
export function nextDay(day: string): string {
  let next = nextDays.get(day);
  if (next === undefined) {
    const [y, m, d] = day.split('-').map(Number) as [number, number, number];
    const t = new Date(Date.UTC(y, m - 1, d + 1));
    next = `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
    if (nextDays.size >= DAY_STARTS_KEPT) nextDays.clear();
    nextDays.set(day, next);
  }
  return next;
}

export interface DaySlice {
  day: string;
  /** Inclusive bounds, Unix seconds, clipped to the requested range. */
  from: number;
  to: number;
  /** True when the slice covers the whole calendar day. */
  whole: boolean;
}

/** The local days that `[from, to]` (inclusive, Unix seconds) touches, each clipped to the range. */
export function daySlices(from: number, to: number, tz: string): DaySlice[] {
  const slices: DaySlice[] = [];
  if (from > to) return slices;
  let day = localDay(from, tz);
  let start = dayStart(day, tz);
  while (start <= to) {
    const next = nextDay(day);
    const nextStart = dayStart(next, tz);
    const sliceFrom = Math.max(from, start);
    const sliceTo = Math.min(to, nextStart - 1);
    slices.push({
      day,
      from: sliceFrom,
      to: sliceTo,
      whole: sliceFrom === start && sliceTo === nextStart - 1,
    });
    day = next;
    start = nextStart;
  }
  return slices;
}

/** The calendar day before `YYYY-MM-DD`. */
export function previousDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d - 1));
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** Whole days from `a` to `b` (`YYYY-MM-DD`), b excluded. */
export function daysBetween(a: string, b: string): number {
  const [y1, m1, d1] = a.split('-').map(Number) as [number, number, number];
  const [y2, m2, d2] = b.split('-').map(Number) as [number, number, number];
  return Math.round((Date.UTC(y2, m2 - 1, d2) - Date.UTC(y1, m1 - 1, d1)) / 86_400_000);
}
