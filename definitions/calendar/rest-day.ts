import { isKnownYear, type CalendarData } from './calendar-data';
import {
  civilFromDayNumber,
  formatIsoDate,
  isWeekend,
  parseIsoDate,
  type DayNumber,
  type IsoDate,
} from './civil-date';

/** Why a day is or is not a rest day. */
export const DayKind = {
  /** A Monday–Friday that is not a holiday. */
  Workday: 'workday',
  /** A Saturday or Sunday the State Council declared a working day (调休上班). */
  AdjustedWorkday: 'adjusted-workday',
  /** A Saturday or Sunday. */
  Weekend: 'weekend',
  /** A day off under the State Council's arrangement (放假), including in-lieu days. */
  Holiday: 'holiday',
} as const;
export type DayKind = (typeof DayKind)[keyof typeof DayKind];

/** A rest day the computation stepped over (a roll-over for calendar days, an uncounted day for working days). */
export interface SkippedRestDay {
  readonly date: IsoDate;
  readonly reason: 'weekend' | 'holiday';
  /** The holiday's name, e.g. 春节. */
  readonly name?: string;
}

/** What the calendar says about one civil day. */
export interface DayInfo {
  readonly date: IsoDate;
  readonly kind: DayKind;
  /** Rest day (法定休假日 in the sense of 《民法典》第二百零三条): weekend or holiday, unless declared a working day. */
  readonly rest: boolean;
  /** The holiday's name (春节, 国庆节, …) for holidays. */
  readonly name?: string;
  /** False when the day's year has no official arrangement in the data, so only weekends were considered. */
  readonly official: boolean;
}

function find(
  data: CalendarData,
  noticeYear: number,
  date: IsoDate,
): { holiday?: string; workday: boolean } | undefined {
  const year = data.years[String(noticeYear)];
  if (!year) return undefined;
  const holiday = Object.hasOwn(year.holidays, date) ? year.holidays[date] : undefined;
  const workday = year.workdays.includes(date);
  return holiday !== undefined || workday ? { holiday, workday } : undefined;
}

/** Classifies a day (given as a day number) against the data. */
export function describeDayNumber(n: DayNumber, data: CalendarData): DayInfo {
  const date = formatIsoDate(n);
  const { year, month } = civilFromDayNumber(n);
  // The next year's notice may fix late-December days (the 2019 notice did); being later, it prevails.
  const entry = (month === 12 ? find(data, year + 1, date) : undefined) ?? find(data, year, date);
  const official = isKnownYear(data, year);
  if (entry?.workday)
    return { date, kind: DayKind.AdjustedWorkday, rest: false, name: entry.holiday, official };
  if (entry?.holiday !== undefined)
    return { date, kind: DayKind.Holiday, rest: true, name: entry.holiday, official };
  if (isWeekend(n)) return { date, kind: DayKind.Weekend, rest: true, official };
  return { date, kind: DayKind.Workday, rest: false, official };
}

/** Classifies a `YYYY-MM-DD` day against the data; throws a RangeError if it is not a real date. */
export function describeDay(date: IsoDate, data: CalendarData): DayInfo {
  const n = parseIsoDate(date);
  if (n === undefined) throw new RangeError(`Not a YYYY-MM-DD calendar date: "${date}"`);
  return describeDayNumber(n, data);
}

/** Whether a `YYYY-MM-DD` day is a rest day: a weekend or public holiday, minus declared working days (调休). */
export function isRestDay(date: IsoDate, data: CalendarData): boolean {
  return describeDay(date, data).rest;
}

/** Whether a `YYYY-MM-DD` day is a working day (the complement of {@link isRestDay}). */
export function isWorkingDay(date: IsoDate, data: CalendarData): boolean {
  return !isRestDay(date, data);
}
