import {
  dayStart,
  daySlices,
  formatDateTime,
  isValidTimeZone,
  localDay,
  nextDay,
  type DaySlice,
} from './time';

/** Unix seconds of an ISO instant, e.g. utc('2026-05-20T10:00:00Z'). */
const utc = (iso: string): number => Date.parse(iso) / 1000;
const HOUR = 3600;
const NY = 'America/New_York';

describe('formatDateTime', () => {
  const t = utc('2026-05-20T10:00:00Z');

  it.each([
    ['UTC', '2026-05-20 10:00:00'],
    ['Europe/Moscow', '2026-05-20 13:00:00'],
    [NY, '2026-05-20 06:00:00'],
    ['Asia/Kathmandu', '2026-05-20 15:45:00'],
    ['Pacific/Kiritimati', '2026-05-21 00:00:00'],
  ])('in %s: %s', (tz, expected) => {
    expect(formatDateTime(t, tz)).toBe(expected);
  });

  it('0 is the seed\'s "0000-00-00 00:00:00" in every zone', () => {
    expect(formatDateTime(0, 'UTC')).toBe('0000-00-00 00:00:00');
    expect(formatDateTime(0, 'Europe/Moscow')).toBe('0000-00-00 00:00:00');
  });

  it('pads every field and shows midnight as 00, not 24', () => {
    expect(formatDateTime(utc('2026-01-02T03:04:05Z'), 'UTC')).toBe('2026-01-02 03:04:05');
    expect(formatDateTime(utc('2026-01-02T00:00:00Z'), 'UTC')).toBe('2026-01-02 00:00:00');
    expect(formatDateTime(utc('2026-01-01T21:00:00Z'), 'Europe/Moscow')).toBe('2026-01-02 00:00:00');
  });

  it('crosses the year in the account zone', () => {
    expect(formatDateTime(utc('2025-12-31T23:30:00Z'), 'Europe/Moscow')).toBe('2026-01-01 02:30:00');
    expect(formatDateTime(utc('2026-01-01T03:30:00Z'), NY)).toBe('2025-12-31 22:30:00');
  });

  it('follows DST in America/New_York (EST -5, EDT -4)', () => {
    expect(formatDateTime(utc('2026-03-08T06:59:59Z'), NY)).toBe('2026-03-08 01:59:59');
    expect(formatDateTime(utc('2026-03-08T07:00:00Z'), NY)).toBe('2026-03-08 03:00:00');
    expect(formatDateTime(utc('2026-11-01T05:30:00Z'), NY)).toBe('2026-11-01 01:30:00');
    expect(formatDateTime(utc('2026-11-01T06:30:00Z'), NY)).toBe('2026-11-01 01:30:00');
  });

  // Dates are worked out from an offset kept per zone and hour; Intl, asked directly, is the truth.
  // Every 59 seconds over the days around each 2026 change of offset in zones whose changes fall
  // on the hour, on the half hour (Lord Howe's 30-minute DST), at midnight (Santiago) or at :45
  // (Chatham), so some probes land in the seconds right after a change.
  const formats = new Map<string, Intl.DateTimeFormat>();
  const intl = (unix: number, tz: string): string => {
    const format =
      formats.get(tz) ??
      new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    formats.set(tz, format);
    const p = Object.fromEntries(format.formatToParts(new Date(unix * 1000)).map((x) => [x.type, x.value]));
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
  };
  it.each([
    [NY, ['2026-03-08', '2026-11-01']],
    ['Europe/London', ['2026-03-29', '2026-10-25']],
    ['Australia/Lord_Howe', ['2026-04-05', '2026-10-04']],
    ['America/Santiago', ['2026-04-05', '2026-09-06']],
    ['Pacific/Chatham', ['2026-04-05', '2026-09-27']],
    ['Asia/Kathmandu', ['2026-06-01']],
  ])('equals Intl to the second around the changes of offset in %s', (tz, days) => {
    for (const day of days)
      for (let t = utc(`${day}T00:00:00Z`) - 36 * HOUR; t < utc(`${day}T00:00:00Z`) + 36 * HOUR; t += 59)
        if (formatDateTime(t, tz) !== intl(t, tz))
          throw new Error(`${tz} at ${t}: ${formatDateTime(t, tz)}, Intl says ${intl(t, tz)}`);
  });
});

describe('localDay', () => {
  it('is the calendar day in the zone, not in UTC', () => {
    const t = utc('2026-05-20T22:30:00Z');
    expect(localDay(t, 'UTC')).toBe('2026-05-20');
    expect(localDay(t, 'Europe/Moscow')).toBe('2026-05-21');
    expect(localDay(utc('2026-05-21T02:00:00Z'), NY)).toBe('2026-05-20');
    expect(localDay(utc('2026-05-19T18:14:59Z'), 'Asia/Kathmandu')).toBe('2026-05-19');
    expect(localDay(utc('2026-05-19T18:15:00Z'), 'Asia/Kathmandu')).toBe('2026-05-20');
  });
});

describe('nextDay', () => {
  it.each([
    ['2026-05-20', '2026-05-21'],
    ['2026-05-31', '2026-06-01'],
    ['2026-12-31', '2027-01-01'],
    ['2026-02-28', '2026-03-01'],
    ['2028-02-28', '2028-02-29'],
  ])('%s → %s', (day, next) => {
    expect(nextDay(day)).toBe(next);
  });
});

describe('dayStart', () => {
  it.each([
    ['UTC', '2026-05-20', '2026-05-20T00:00:00Z'],
    ['Europe/Moscow', '2026-05-20', '2026-05-19T21:00:00Z'],
    [NY, '2026-05-20', '2026-05-20T04:00:00Z'],
    [NY, '2026-01-15', '2026-01-15T05:00:00Z'],
    ['Asia/Kathmandu', '2026-05-20', '2026-05-19T18:15:00Z'],
  ])('in %s, %s starts at %s', (tz, day, iso) => {
    expect(dayStart(day, tz)).toBe(utc(iso));
  });

  it('America/New_York 2026-03-08 (spring forward) is a 23-hour day', () => {
    expect(dayStart('2026-03-08', NY)).toBe(utc('2026-03-08T05:00:00Z'));
    expect(dayStart('2026-03-09', NY) - dayStart('2026-03-08', NY)).toBe(23 * HOUR);
  });

  it('America/New_York 2026-11-01 (fall back) is a 25-hour day', () => {
    expect(dayStart('2026-11-01', NY)).toBe(utc('2026-11-01T04:00:00Z'));
    expect(dayStart('2026-11-02', NY) - dayStart('2026-11-01', NY)).toBe(25 * HOUR);
  });

  it('a zone whose DST skips midnight starts the day at the first moment that exists', () => {
    // America/Santiago springs forward at 24:00 → 01:00 on 2026-09-06.
    expect(dayStart('2026-09-06', 'America/Santiago')).toBe(utc('2026-09-06T04:00:00Z'));
    expect(formatDateTime(dayStart('2026-09-06', 'America/Santiago'), 'America/Santiago')).toBe(
      '2026-09-06 01:00:00',
    );
  });

  it.each(['UTC', 'Europe/Moscow', NY, 'Asia/Kathmandu', 'America/Santiago', 'Australia/Lord_Howe'])(
    'every day of 2026 in %s starts exactly where the previous one ends',
    (tz) => {
      for (let day = '2026-01-01'; day < '2027-01-01'; day = nextDay(day)) {
        const start = dayStart(day, tz);
        expect([day, localDay(start, tz)]).toEqual([day, day]);
        expect([day, localDay(start - 1, tz) < day]).toEqual([day, true]);
      }
    },
  );
});

describe('daySlices', () => {
  const slice = (day: string, from: number, to: number, whole: boolean): DaySlice => ({
    day,
    from,
    to,
    whole,
  });

  it('an empty range when from > to', () => {
    expect(daySlices(100, 99, 'UTC')).toEqual([]);
  });

  it('a single moment is one partial slice', () => {
    const t = utc('2026-05-20T10:00:00Z');
    expect(daySlices(t, t, 'UTC')).toEqual([slice('2026-05-20', t, t, false)]);
  });

  it('whole UTC days, bounds inclusive', () => {
    const from = utc('2026-05-20T00:00:00Z');
    const to = utc('2026-05-22T00:00:00Z') - 1;
    expect(daySlices(from, to, 'UTC')).toEqual([
      slice('2026-05-20', from, utc('2026-05-21T00:00:00Z') - 1, true),
      slice('2026-05-21', utc('2026-05-21T00:00:00Z'), to, true),
    ]);
  });

  it('a range ending exactly at midnight touches the next day for one second', () => {
    const from = utc('2026-05-20T00:00:00Z');
    const to = utc('2026-05-21T00:00:00Z');
    expect(daySlices(from, to, 'UTC')).toEqual([
      slice('2026-05-20', from, to - 1, true),
      slice('2026-05-21', to, to, false),
    ]);
  });

  it('clips the first and last day to the range; days in between are whole', () => {
    const from = utc('2026-05-20T10:00:00Z'); // 13:00 in Moscow
    const to = utc('2026-05-22T05:00:00Z'); // 08:00 in Moscow
    expect(daySlices(from, to, 'Europe/Moscow')).toEqual([
      slice('2026-05-20', from, utc('2026-05-20T21:00:00Z') - 1, false),
      slice('2026-05-21', utc('2026-05-20T21:00:00Z'), utc('2026-05-21T21:00:00Z') - 1, true),
      slice('2026-05-22', utc('2026-05-21T21:00:00Z'), to, false),
    ]);
  });

  it('groups by local day: the same instants fall on different days in different zones', () => {
    const from = utc('2026-05-20T20:00:00Z');
    const to = utc('2026-05-20T23:00:00Z');
    expect(daySlices(from, to, 'UTC').map((s) => s.day)).toEqual(['2026-05-20']);
    expect(daySlices(from, to, 'Europe/Moscow').map((s) => s.day)).toEqual(['2026-05-20', '2026-05-21']);
  });

  it('across spring forward in New York: 24h, 23h, 24h whole days', () => {
    const from = dayStart('2026-03-07', NY);
    const to = dayStart('2026-03-10', NY) - 1;
    const slices = daySlices(from, to, NY);
    expect(slices.map((s) => [s.day, (s.to - s.from + 1) / HOUR, s.whole])).toEqual([
      ['2026-03-07', 24, true],
      ['2026-03-08', 23, true],
      ['2026-03-09', 24, true],
    ]);
  });

  it('across fall back in New York: 24h, 25h, 24h whole days', () => {
    const from = dayStart('2026-10-31', NY);
    const to = dayStart('2026-11-03', NY) - 1;
    expect(daySlices(from, to, NY).map((s) => [s.day, (s.to - s.from + 1) / HOUR, s.whole])).toEqual([
      ['2026-10-31', 24, true],
      ['2026-11-01', 25, true],
      ['2026-11-02', 24, true],
    ]);
  });

  it('the 25-hour day is whole only when the range covers all 25 hours', () => {
    const start = dayStart('2026-11-01', NY);
    expect(daySlices(start, start + 24 * HOUR - 1, NY)).toEqual([
      slice('2026-11-01', start, start + 24 * HOUR - 1, false),
    ]);
    expect(daySlices(start, start + 25 * HOUR - 1, NY)).toEqual([
      slice('2026-11-01', start, start + 25 * HOUR - 1, true),
    ]);
  });

  it('Asia/Kathmandu (+05:45) cuts days at 18:15 UTC', () => {
    const from = utc('2026-05-19T18:00:00Z');
    const to = utc('2026-05-20T18:30:00Z');
    expect(daySlices(from, to, 'Asia/Kathmandu')).toEqual([
      slice('2026-05-19', from, utc('2026-05-19T18:15:00Z') - 1, false),
      slice('2026-05-20', utc('2026-05-19T18:15:00Z'), utc('2026-05-20T18:15:00Z') - 1, true),
      slice('2026-05-21', utc('2026-05-20T18:15:00Z'), to, false),
    ]);
  });

  it('slices of a year tile the range exactly: contiguous, no gaps, no overlaps', () => {
    const from = utc('2026-01-01T12:34:56Z');
    const to = utc('2027-01-01T01:02:03Z');
    const slices = daySlices(from, to, NY);
    expect(slices[0]!.from).toBe(from);
    expect(slices[slices.length - 1]!.to).toBe(to);
    for (let i = 1; i < slices.length; i++) {
      expect(slices[i]!.from).toBe(slices[i - 1]!.to + 1);
      expect(slices[i]!.day).toBe(nextDay(slices[i - 1]!.day));
    }
    expect(slices.filter((s) => !s.whole).map((s) => s.day)).toEqual(['2026-01-01', '2026-12-31']);
  });
});

describe('isValidTimeZone', () => {
  it.each(['UTC', 'Europe/Moscow', NY, 'Asia/Kathmandu'])('%s is valid', (tz) => {
    expect(isValidTimeZone(tz)).toBe(true);
  });

  it.each(['', 'Mars/Olympus_Mons', 'Europe/Atlantis', 'not a zone'])('%j is not', (tz) => {
    expect(isValidTimeZone(tz)).toBe(false);
  });
});
