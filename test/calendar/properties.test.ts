import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeDeadline,
  defaultCalendarData,
  describeDay,
  isRestDay,
  type DeadlineInput,
} from '../../definitions/calendar/index';
import { formatIsoDate, parseIsoDate } from '../../definitions/calendar/civil-date';

const data = defaultCalendarData();
const FIRST = parseIsoDate('2004-01-01')!;
const LAST = parseIsoDate('2027-12-31')!;

const day = fc.integer({ min: FIRST, max: LAST });
const counting = fc.constantFrom('calendar-days' as const, 'working-days' as const);
const duration = fc.integer({ min: 1, max: 120 });

function compute(from: number, n: number, c: DeadlineInput['counting']) {
  return computeDeadline({ from: formatIsoDate(from), duration: n, counting: c }, data);
}

function workingDaysIn(firstExclusive: string, lastInclusive: string): number {
  let count = 0;
  for (let d = parseIsoDate(firstExclusive)! + 1; d <= parseIsoDate(lastInclusive)!; d++)
    if (!isRestDay(formatIsoDate(d), data)) count++;
  return count;
}

describe('properties of every computed period (《民法典》第二百零一条–第二百零三条)', () => {
  it('never ends a period on a rest day (Art. 203)', () => {
    fc.assert(
      fc.property(
        day,
        duration,
        counting,
        (from, n, c) => !describeDay(compute(from, n, c).lastDay, data).rest,
      ),
    );
  });

  it('never ends a calendar-day period before its nominal day, which is the start day plus N (Arts. 201, 203)', () => {
    fc.assert(
      fc.property(day, duration, (from, n) => {
        const r = compute(from, n, 'calendar-days');
        expect(r.nominalLastDay).toBe(formatIsoDate(from + n));
        expect(r.lastDay >= r.nominalLastDay).toBe(true);
        expect(r.skippedRestDays.length).toBe(parseIsoDate(r.lastDay)! - parseIsoDate(r.nominalLastDay)!);
      }),
    );
  });

  it('puts exactly N working days after the start day, up to and including the last day, into a working-day period', () => {
    fc.assert(
      fc.property(
        day,
        duration,
        (from, n) => workingDaysIn(formatIsoDate(from), compute(from, n, 'working-days').lastDay) === n,
      ),
    );
  });

  it('never moves the last day earlier when the period starts later', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 40 }), duration, counting, (from, later, n, c) => {
        expect(compute(from + later, n, c).lastDay >= compute(from, n, c).lastDay).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('is due at 24:00 Asia/Shanghai of the last day, which is 16:00:00.000Z of that date', () => {
    fc.assert(
      fc.property(day, duration, counting, (from, n, c) => {
        const r = compute(from, n, c);
        expect(r.dueAt).toBe(`${r.lastDay}T16:00:00.000Z`);
      }),
    );
  });

  it('gives an instant the same result as the Asia/Shanghai day it falls on', () => {
    fc.assert(
      fc.property(
        day,
        fc.integer({ min: 0, max: 86_399_999 }),
        duration,
        counting,
        (from, msIntoDay, n, c) => {
          const instant = new Date(from * 86_400_000 - 8 * 3_600_000 + msIntoDay).toISOString();
          const r = computeDeadline({ from: instant, duration: n, counting: c }, data);
          expect(r.lastDay).toBe(compute(from, n, c).lastDay);
        },
      ),
    );
  });

  it('is provisional exactly when the period reaches a year the shipped data lacks (after 2026)', () => {
    fc.assert(
      fc.property(day, duration, counting, (from, n, c) => {
        const r = compute(from, n, c);
        expect(r.provisional).toBe(r.lastDay > '2026-12-31');
      }),
    );
  });
});
