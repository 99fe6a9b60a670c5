import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CalendarSupplementError,
  CHINESE_DAYS_VERSION,
  defaultCalendarData,
  describeDay,
  isRestDay,
  knownYears,
  mergeCalendarData,
  parseCalendarSupplement,
} from '../../definitions/calendar/index';
import { isWeekend, parseIsoDate } from '../../definitions/calendar/civil-date';

const data = defaultCalendarData();

function daysBetween(first: string, last: string): string[] {
  const out: string[] = [];
  for (
    let d = new Date(`${first}T00:00:00Z`);
    d <= new Date(`${last}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1)
  ) {
    out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

function restDaysOf(year: number, month: number): string[] {
  const mm = String(month).padStart(2, '0');
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return daysBetween(`${year}-${mm}-01`, `${year}-${mm}-${last}`).filter((d) => isRestDay(d, data));
}

describe('the shipped holiday data (State Council notices, via chinese-days)', () => {
  it('holds the official arrangement of every year from 2004 to 2026 and of no later year', () => {
    expect(knownYears(data)).toEqual(Array.from({ length: 23 }, (_, i) => 2004 + i));
  });

  it('names its source: the yearly 国务院办公厅 notice, transcribed by the pinned chinese-days release', () => {
    const installed = JSON.parse(
      readFileSync(new URL('../../node_modules/chinese-days/package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    expect(installed.version).toBe(CHINESE_DAYS_VERSION);
    expect(data.years['2026']?.source).toContain('国务院办公厅关于2026年部分节假日安排的通知');
    expect(data.years['2026']?.source).toContain(`chinese-days@${CHINESE_DAYS_VERSION}`);
  });

  it('declares only Saturdays and Sundays as working days (调休上班), and never a day that is also a holiday', () => {
    for (const year of Object.values(data.years)) {
      for (const day of year.workdays) {
        expect(isWeekend(parseIsoDate(day)!), day).toBe(true);
        expect(Object.hasOwn(year.holidays, day), day).toBe(false);
      }
    }
  });

  it('matches the 2025 notice: Spring Festival 28 Jan–4 Feb off, Sunday 26 Jan and Saturday 8 Feb worked', () => {
    expect(restDaysOf(2025, 1)).toEqual([
      '2025-01-01',
      '2025-01-04',
      '2025-01-05',
      '2025-01-11',
      '2025-01-12',
      '2025-01-18',
      '2025-01-19',
      '2025-01-25',
      '2025-01-28',
      '2025-01-29',
      '2025-01-30',
      '2025-01-31',
    ]);
    expect(restDaysOf(2025, 2).slice(0, 5)).toEqual([
      '2025-02-01',
      '2025-02-02',
      '2025-02-03',
      '2025-02-04',
      '2025-02-09',
    ]);
    expect(describeDay('2025-01-26', data)).toMatchObject({
      kind: 'adjusted-workday',
      rest: false,
      official: true,
    });
    expect(describeDay('2025-02-08', data)).toMatchObject({ kind: 'adjusted-workday', rest: false });
    expect(describeDay('2025-01-28', data)).toMatchObject({ kind: 'holiday', rest: true, name: '春节' });
  });

  it('matches the 2025 notice: National Day and Mid-Autumn 1–8 Oct off, Sunday 28 Sep and Saturday 11 Oct worked', () => {
    expect(restDaysOf(2025, 10)).toEqual([
      ...daysBetween('2025-10-01', '2025-10-08'),
      '2025-10-12',
      '2025-10-18',
      '2025-10-19',
      '2025-10-25',
      '2025-10-26',
    ]);
    expect(describeDay('2025-10-06', data)).toMatchObject({ kind: 'holiday', name: '中秋节' });
    expect(isRestDay('2025-09-28', data)).toBe(false);
    expect(isRestDay('2025-10-11', data)).toBe(false);
  });

  it('matches the 2026 notice: Spring Festival 15–23 Feb off, Saturdays 14 and 28 Feb worked', () => {
    expect(restDaysOf(2026, 2)).toEqual([
      '2026-02-01',
      '2026-02-07',
      '2026-02-08',
      ...daysBetween('2026-02-15', '2026-02-23'),
    ]);
    expect(describeDay('2026-02-14', data).kind).toBe('adjusted-workday');
    expect(describeDay('2026-02-28', data).kind).toBe('adjusted-workday');
  });

  it('matches the 2026 notice: Mid-Autumn 25–27 Sep and National Day 1–7 Oct off, Sunday 20 Sep and Saturday 10 Oct worked', () => {
    expect(restDaysOf(2026, 9)).toEqual([
      '2026-09-05',
      '2026-09-06',
      '2026-09-12',
      '2026-09-13',
      '2026-09-19',
      '2026-09-25',
      '2026-09-26',
      '2026-09-27',
    ]);
    expect(restDaysOf(2026, 10)).toEqual([
      ...daysBetween('2026-10-01', '2026-10-07'),
      '2026-10-11',
      '2026-10-17',
      '2026-10-18',
      '2026-10-24',
      '2026-10-25',
      '2026-10-31',
    ]);
    expect(describeDay('2026-09-20', data).kind).toBe('adjusted-workday');
    expect(describeDay('2026-10-10', data).kind).toBe('adjusted-workday');
  });

  it('counts only weekends as rest days in 2027, a year without an official arrangement, and says so', () => {
    expect(describeDay('2027-01-01', data)).toEqual({
      date: '2027-01-01',
      kind: 'workday',
      rest: false,
      official: false,
    });
    expect(describeDay('2027-01-02', data)).toMatchObject({ kind: 'weekend', rest: true, official: false });
  });
});

describe('holiday data supplied at run time', () => {
  // Fictional figures for illustration only: not the 2027 notice, which had not been published when written.
  const fictional2027 = {
    source: 'test fixture (fictional)',
    years: {
      '2027': {
        holidays: [
          { date: '2027-01-01', name: '元旦' },
          { date: '2027-01-02', name: '元旦' },
          { date: '2027-01-03', name: '元旦' },
        ],
        workdays: ['2027-02-06'],
      },
    },
  };

  it('adds a year validated from JSON, making it official and its days count as the notice says', () => {
    const merged = mergeCalendarData(data, parseCalendarSupplement(fictional2027));
    expect(knownYears(merged).at(-1)).toBe(2027);
    expect(describeDay('2027-01-01', merged)).toMatchObject({
      kind: 'holiday',
      name: '元旦',
      official: true,
    });
    expect(describeDay('2027-02-06', merged)).toMatchObject({ kind: 'adjusted-workday', rest: false });
    expect(merged.years['2027']?.source).toBe('test fixture (fictional)');
    expect(knownYears(data).at(-1)).toBe(2026);
  });

  it('replaces a shipped year wholesale when the supplement restates it, since a notice is a complete arrangement', () => {
    const restated = parseCalendarSupplement({
      years: { '2026': { holidays: [{ date: '2026-01-01', name: '元旦' }], workdays: [] } },
    });
    const merged = mergeCalendarData(data, restated);
    expect(isRestDay('2026-10-01', merged)).toBe(false);
    expect(isRestDay('2026-01-01', merged)).toBe(true);
  });

  it('lets a notice fix the previous December, as the 2019 notice made Saturday 29 December 2018 a working day', () => {
    expect(describeDay('2018-12-29', data).kind).toBe('adjusted-workday');
    const base = { years: { '2026': { source: 's', holidays: {}, workdays: [] } } };
    const merged = mergeCalendarData(
      base,
      parseCalendarSupplement({
        years: { '2027': { holidays: [{ date: '2026-12-31', name: '元旦' }], workdays: [] } },
      }),
    );
    expect(describeDay('2026-12-31', merged)).toMatchObject({
      kind: 'holiday',
      name: '元旦',
      official: true,
    });
  });

  it('rejects a supplement with impossible dates, misplaced years, duplicate days or a weekday declared a working day, naming each', () => {
    const bad = {
      years: {
        '2027': {
          holidays: [
            { date: '2027-02-30', name: '春节' },
            { date: '2028-01-01', name: '元旦' },
            { date: '2027-01-01', name: '元旦' },
            { date: '2027-01-01', name: '元旦' },
          ],
          workdays: ['2027-01-04'],
        },
      },
    };
    let error: unknown;
    try {
      parseCalendarSupplement(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CalendarSupplementError);
    expect((error as CalendarSupplementError).issues).toEqual([
      'years.2027.holidays.0.date: must be a real calendar date written YYYY-MM-DD',
      'years.2027.holidays.1.date: 2028-01-01 is not in 2027 (only 2027 dates and the previous December may appear in the 2027 notice); move it under "2028"',
      'years.2027.holidays.3.date: 2027-01-01 is listed twice in 2027; a day is either a holiday or a working day, once',
      'years.2027.workdays.0: 2027-01-04 is a weekday and already a working day; only Saturdays and Sundays are declared working days (调休上班) — check the date',
    ]);
  });

  it('rejects a supplement of the wrong shape with the path of the problem', () => {
    expect(() => parseCalendarSupplement({ years: { '27': { holidays: [], workdays: [] } } })).toThrow(
      /years\.27: year keys are four digits/,
    );
    expect(() => parseCalendarSupplement({ '2027': {} })).toThrow(CalendarSupplementError);
  });
});
