import { addDays, dayRangeToUnix, dayStart, isDay, lastDays } from './dates';

describe('dashboard date filters: calendar days in the account zone to Unix seconds', () => {
  it('takes a UTC day from its midnight to its last second', () => {
    expect(dayRangeToUnix('2026-05-20', '2026-05-20', 'UTC')).toEqual({
      from: Date.UTC(2026, 4, 20) / 1000,
      to: Date.UTC(2026, 4, 21) / 1000 - 1,
    });
  });

  it("uses the account's zone, not the browser's: Moscow's day starts at 21:00 UTC the day before", () => {
    expect(dayRangeToUnix('2026-05-20', '2026-05-21', 'Europe/Moscow')).toEqual({
      from: Date.UTC(2026, 4, 19, 21) / 1000,
      to: Date.UTC(2026, 4, 21, 21) / 1000 - 1,
    });
    expect(dayStart('2026-05-20', 'America/Los_Angeles')).toBe(Date.UTC(2026, 4, 20, 7) / 1000);
  });

  it('spans 23 and 25 hours across DST changes', () => {
    const spring = dayRangeToUnix('2026-03-29', '2026-03-29', 'Europe/Berlin');
    expect(spring.to! - spring.from! + 1).toBe(23 * 3600);
    const autumn = dayRangeToUnix('2026-10-25', '2026-10-25', 'Europe/Berlin');
    expect(autumn.to! - autumn.from! + 1).toBe(25 * 3600);
  });

  it('starts a day whose midnight does not exist at its first moment', () => {
    // Chile moves its clocks from 00:00 to 01:00 on the first Sunday of September.
    expect(dayStart('2026-09-06', 'America/Santiago')).toBe(Date.UTC(2026, 8, 6, 4) / 1000);
  });

  it('leaves an empty or malformed side open', () => {
    expect(dayRangeToUnix('', '', 'UTC')).toEqual({});
    expect(dayRangeToUnix('2026-02-30', '2026-05-01', 'UTC')).toEqual({
      to: Date.UTC(2026, 4, 2) / 1000 - 1,
    });
    expect(isDay('2024-02-29')).toBe(true);
    expect(isDay('2026-13-01')).toBe(false);
  });

  it('defaults to the last 30 days including today in the zone', () => {
    // 2026-05-20 22:30 UTC is already May 21 in Moscow.
    const now = Date.UTC(2026, 4, 20, 22, 30);
    expect(lastDays(30, 'UTC', now)).toEqual({ from: '2026-04-21', to: '2026-05-20' });
    expect(lastDays(30, 'Europe/Moscow', now)).toEqual({ from: '2026-04-22', to: '2026-05-21' });
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });
});
