import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  civilDayOf,
  endOfShanghaiDay,
  formatIsoDate,
  formatIsoInstant,
  parseIsoDate,
  parseIsoInstant,
  weekdayOf,
} from '../../definitions/calendar/civil-date';

const DAY = 86_400_000;

describe('civil dates in Asia/Shanghai', () => {
  it('numbers every day from 1900 to 2200 exactly as the proleptic Gregorian calendar does', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1) / DAY, max: Date.UTC(2200, 11, 31) / DAY }), (n) => {
        const oracle = new Date(n * DAY);
        expect(formatIsoDate(n)).toBe(oracle.toISOString().slice(0, 10));
        expect(parseIsoDate(formatIsoDate(n))).toBe(n);
        expect(weekdayOf(n)).toBe(oracle.getUTCDay());
      }),
    );
  });

  it('refuses dates that do not exist, such as 30 February or 29 February of a common year', () => {
    for (const bad of ['2026-02-30', '2025-02-29', '2026-13-01', '2026-00-10', '2026-9-28', '20260928', '']) {
      expect(parseIsoDate(bad), bad).toBeUndefined();
    }
    expect(parseIsoDate('2024-02-29')).toBe(Date.UTC(2024, 1, 29) / DAY);
  });

  it('takes an instant on the Asia/Shanghai civil day it falls on (UTC+08:00)', () => {
    expect(formatIsoDate(civilDayOf('2026-09-27T15:59:59.999Z')!)).toBe('2026-09-27');
    expect(formatIsoDate(civilDayOf('2026-09-27T16:00:00Z')!)).toBe('2026-09-28');
    expect(formatIsoDate(civilDayOf('2026-09-28T00:00:00+08:00')!)).toBe('2026-09-28');
    expect(formatIsoDate(civilDayOf('2026-09-28T23:30:00-05:00')!)).toBe('2026-09-29');
  });

  it('parses instants with any offset to the same epoch milliseconds as the platform does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1992, 0, 1), max: Date.UTC(2100, 0, 1) }),
        fc.integer({ min: -12 * 60, max: 14 * 60 }),
        (ms, offsetMinutes) => {
          const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 23);
          const sign = offsetMinutes < 0 ? '-' : '+';
          const abs = Math.abs(offsetMinutes);
          const text = `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          expect(parseIsoInstant(text)).toBe(ms);
        },
      ),
    );
  });

  it('refuses an instant without an offset, because its civil day would be ambiguous', () => {
    expect(civilDayOf('2026-09-28T10:30:00')).toBeUndefined();
    expect(civilDayOf('2026-09-28T25:00:00Z')).toBeUndefined();
    expect(civilDayOf('yesterday')).toBeUndefined();
  });

  it('ends a civil day at 24:00 Asia/Shanghai, which is 16:00 UTC the same date (《民法典》第二百零三条)', () => {
    expect(formatIsoInstant(endOfShanghaiDay(parseIsoDate('2026-10-09')!))).toBe('2026-10-09T16:00:00.000Z');
    expect(formatIsoInstant(endOfShanghaiDay(parseIsoDate('2026-12-31')!))).toBe('2026-12-31T16:00:00.000Z');
  });
});
