import { z } from 'zod';
import { isWeekend, parseIsoDate, yearOf, type IsoDate } from './civil-date';

/**
 * One year's official arrangement, as the State Council General Office publishes it each year in
 * 国务院办公厅关于<year>年部分节假日安排的通知.
 */
export interface CalendarYear {
  /** Where this arrangement was taken from (the notice, and the package or file that transcribed it). */
  readonly source: string;
  /** Days off (放假), date → holiday name: the holiday itself, weekend days inside its block and in-lieu days. */
  readonly holidays: Readonly<Record<IsoDate, string>>;
  /** Weekend days declared working days (调休上班). */
  readonly workdays: readonly IsoDate[];
}

/**
 * Official holiday arrangements keyed by notice year ("2026"). Plain JSON so it can travel in an activity
 * result or a registry workflow's history; a year missing here has no official data and is computed on
 * weekends alone (provisional).
 *
 * A notice may also fix days at the end of the previous December (the 2019 notice made 2018-12-29 a working
 * day), so a year's entries are its own dates plus, possibly, the previous December's.
 */
export interface CalendarData {
  readonly years: Readonly<Record<string, CalendarYear>>;
}

/** The years (ascending) for which the data holds an official arrangement. */
export function knownYears(data: CalendarData): number[] {
  return Object.keys(data.years)
    .map(Number)
    .sort((a, b) => a - b);
}

/** Whether the data holds the official arrangement of `year`. */
export function isKnownYear(data: CalendarData, year: number): boolean {
  return Object.hasOwn(data.years, String(year));
}

/** A copy of `base` in which every year present in `supplement` replaces base's whole arrangement for that year. */
export function mergeCalendarData(base: CalendarData, supplement: CalendarData): CalendarData {
  // A notice states a year's complete arrangement, so a year is replaced, never unioned day by day.
  return { years: { ...base.years, ...supplement.years } };
}

const isoDateSchema = z.string().refine((s) => parseIsoDate(s) !== undefined, {
  message: 'must be a real calendar date written YYYY-MM-DD',
});

const supplementYearSchema = z.strictObject({
  source: z.string().min(1).optional(),
  holidays: z.array(z.strictObject({ date: isoDateSchema, name: z.string().min(1) })),
  workdays: z.array(isoDateSchema),
});

/**
 * The run-time JSON shape for newer years' arrangements, e.g.
 * `{ "source": "…", "years": { "2027": { "holidays": [{ "date": "2027-01-01", "name": "元旦" }], "workdays": ["…"] } } }`.
 */
export const calendarSupplementSchema = z
  .strictObject({
    source: z.string().min(1).optional(),
    years: z.record(z.string(), supplementYearSchema),
  })
  .superRefine((supplement, ctx) => {
    for (const [key, year] of Object.entries(supplement.years)) {
      // Checked here rather than by the record's key schema, whose failure zod reports only as "Invalid key".
      if (!/^\d{4}$/.test(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['years', key],
          message: `year keys are four digits, e.g. "2027"; got "${key}"`,
        });
        continue;
      }
      const y = Number(key);
      const seen = new Set<string>();
      const check = (date: string, path: (string | number)[], isWorkday: boolean): void => {
        const n = parseIsoDate(date);
        if (n === undefined) return;
        const at = ['years', key, ...path];
        const dateYear = yearOf(n);
        const previousDecember = dateYear === y - 1 && date.slice(5, 7) === '12';
        if (dateYear !== y && !previousDecember) {
          ctx.addIssue({
            code: 'custom',
            path: at,
            message: `${date} is not in ${key} (only ${key} dates and the previous December may appear in the ${key} notice); move it under "${dateYear}"`,
          });
        }
        if (seen.has(date)) {
          ctx.addIssue({
            code: 'custom',
            path: at,
            message: `${date} is listed twice in ${key}; a day is either a holiday or a working day, once`,
          });
        }
        seen.add(date);
        if (isWorkday && !isWeekend(n)) {
          ctx.addIssue({
            code: 'custom',
            path: at,
            message: `${date} is a weekday and already a working day; only Saturdays and Sundays are declared working days (调休上班) — check the date`,
          });
        }
      };
      year.holidays.forEach((h, i) => check(h.date, ['holidays', i, 'date'], false));
      year.workdays.forEach((d, i) => check(d, ['workdays', i], true));
    }
  });

/** The supplement JSON shape, as validated by {@link calendarSupplementSchema}. */
export type CalendarSupplement = z.infer<typeof calendarSupplementSchema>;

/** Thrown by {@link parseCalendarSupplement} when the JSON is not a valid supplement; `issues` say where and why. */
export class CalendarSupplementError extends Error {
  override readonly name = 'CalendarSupplementError';
  constructor(readonly issues: readonly string[]) {
    super(`Invalid holiday calendar supplement:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
  }
}

/** Validates a supplement (parsed JSON) and converts it to {@link CalendarData}, ready for {@link mergeCalendarData}. */
export function parseCalendarSupplement(json: unknown): CalendarData {
  const parsed = calendarSupplementSchema.safeParse(json);
  if (!parsed.success) {
    throw new CalendarSupplementError(
      parsed.error.issues.map(
        (issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`,
      ),
    );
  }
  const years: Record<string, CalendarYear> = {};
  for (const [key, year] of Object.entries(parsed.data.years)) {
    years[key] = {
      source: year.source ?? parsed.data.source ?? `run-time supplement for ${key}`,
      holidays: Object.fromEntries(year.holidays.map((h) => [h.date, h.name])),
      workdays: [...year.workdays],
    };
  }
  return { years };
}
