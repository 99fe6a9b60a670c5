import { z } from 'zod';
import type { CalendarData } from './calendar-data';
import {
  civilDayOf,
  endOfShanghaiDay,
  formatIsoDate,
  formatIsoInstant,
  type DayNumber,
  type IsoDate,
} from './civil-date';
import { explainEn, explainZh } from './explain';
import { describeDayNumber, DayKind, type DayInfo, type SkippedRestDay } from './rest-day';

export type { SkippedRestDay };

/** How a period counts: every calendar day, or working days only. */
export const Counting = { CalendarDays: 'calendar-days', WorkingDays: 'working-days' } as const;
export type Counting = (typeof Counting)[keyof typeof Counting];

/** The civil-law basis of every period computed here. */
export const CIVIL_CODE_CITATION = '《民法典》第二百零一条、第二百零三条';

/** Longest period accepted (duration + extension + pause), in days: ten years, far beyond any statutory period. */
export const MAX_PERIOD_DAYS = 3660;

const MS_PER_DAY = 86_400_000;

const RULES: Readonly<Record<Counting, { readonly zh: string; readonly en: string }>> = {
  'calendar-days': {
    zh: '按日计算期间的，开始的当日不计入，自下一日开始计算；期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日；期间的最后一日的截止时间为二十四时（北京时间）。',
    en: 'A period in days does not count its first day and starts the next day; if its last day is a statutory rest day, the period ends on the day after the rest ends; the last day ends at 24:00 Asia/Shanghai.',
  },
  'working-days': {
    zh: '按工作日计算期间的，开始的当日不计入，自下一日起只计算工作日（周末和法定节假日不计入，调休上班日计入）；第N个工作日为期间的最后一日，其截止时间为二十四时（北京时间）。',
    en: 'A period in working days does not count its first day; from the next day only working days count (weekends and public holidays do not, weekend days declared working days do); the Nth working day is the last day, ending at 24:00 Asia/Shanghai.',
  },
};

/** Validates {@link DeadlineInput} at the edge (API bodies, activity inputs). */
export const deadlineInputSchema = z
  .object({
    /** The day of receipt/service (`YYYY-MM-DD`), or an ISO instant with offset, taken as its Asia/Shanghai day. */
    from: z.string().refine((s) => civilDayOf(s) !== undefined, {
      message:
        'must be a date YYYY-MM-DD or an ISO instant with an offset, e.g. 2026-09-28 or 2026-09-28T10:30:00+08:00',
    }),
    /** The statutory number of days (or working days). */
    duration: z.number().int().positive(),
    counting: z.enum(Counting),
    /** The article that sets the period, e.g. 《信访工作条例》第三十四条. */
    article: z.string().min(1).optional(),
    /** Days added by an approved extension (Art. 34), counted in the period's own unit. */
    extensionDays: z.number().int().nonnegative().optional(),
    /** Whole calendar days the clock stood still (Art. 36: hearing time is not counted); see {@link pausedDaysFromMs}. */
    pausedDays: z.number().int().nonnegative().optional(),
    /**
     * Where the extension's days count from: `period-end`, the last day of the period as the calendar fixed it (rolled
     * over rest days), its first day not counted; absent, they lengthen the period counted from its start.
     */
    extensionFrom: z.enum(['period-end']).optional(),
  })
  .refine((i) => i.duration + (i.extensionDays ?? 0) + (i.pausedDays ?? 0) <= MAX_PERIOD_DAYS, {
    message: `duration + extensionDays + pausedDays must not exceed ${MAX_PERIOD_DAYS} days`,
    path: ['duration'],
  });

/** What {@link computeDeadline} needs: where the period starts from, its length and how it counts. */
export type DeadlineInput = z.input<typeof deadlineInputSchema>;

/** A computed deadline that explains itself (plain JSON: it is recorded in workflow history). */
export interface DeadlineResult {
  /** The `from` value as given. */
  readonly from: string;
  /** The Asia/Shanghai civil day of `from`: the day the period is counted from, itself not counted (Art. 201). */
  readonly receivedOn: IsoDate;
  /** The first counted day: the day after `receivedOn` (Art. 201). */
  readonly startDate: IsoDate;
  readonly duration: number;
  readonly counting: Counting;
  readonly extensionDays: number;
  readonly pausedDays: number;
  /** Calendar days: the last day before any roll-over. Working days: the Nth working day (equal to `lastDay`). */
  readonly nominalLastDay: IsoDate;
  /** The day the period ends: never a rest day (Art. 203). */
  readonly lastDay: IsoDate;
  /** With `extensionFrom: period-end`: the last day of the period before its extension, the extension's start. */
  readonly originalLastDay?: IsoDate;
  /** The end (24:00) of `lastDay` in Asia/Shanghai as a UTC instant, e.g. `2026-10-09T16:00:00.000Z` (Art. 203). */
  readonly dueAt: string;
  /** True when a day the computation consulted lies in a year without official holiday data (weekends only). */
  readonly provisional: boolean;
  /** The years without official data that made the result provisional. */
  readonly unofficialYears: readonly number[];
  readonly skippedRestDays: readonly SkippedRestDay[];
  /** The counting rule applied, in Chinese (and `ruleEn`). */
  readonly rule: string;
  readonly ruleEn: string;
  /** The article that sets the period, if the caller named it. */
  readonly article?: string;
  /** The civil-law basis of the counting, {@link CIVIL_CODE_CITATION}. */
  readonly citation: string;
  /** A sentence a person can read: start, nominal last day, rest days skipped, last day, due instant, basis. */
  readonly explanation: string;
  readonly explanationEn: string;
}

/** Thrown by {@link computeDeadline} and its helpers when the input is malformed; `issues` say which field and why. */
export class DeadlineInputError extends Error {
  override readonly name = 'DeadlineInputError';
  constructor(readonly issues: readonly string[]) {
    super(`Invalid deadline input: ${issues.join('; ')}`);
  }
}

function skippedOf(info: DayInfo): SkippedRestDay {
  return info.kind === DayKind.Holiday
    ? { date: info.date, reason: 'holiday', ...(info.name !== undefined ? { name: info.name } : {}) }
    : { date: info.date, reason: 'weekend' };
}

/**
 * Computes when a period ends under 《民法典》第二百零一条–第二百零三条, against the given holiday data.
 *
 * - The day of `from` is not counted; counting starts the next day (Art. 201).
 * - Calendar days: the nominal last day is `from + N`; if it is a rest day the period ends on the first day after
 *   the rest (Art. 203). Working days: the last day is the Nth working day after `from`.
 * - The period ends at 24:00 of the last day, Asia/Shanghai (Art. 203).
 * - `extensionDays` lengthen the period in its own unit (Art. 34: 60 days + up to 30).
 * - `pausedDays` move the whole count that many calendar days later, as if the clock had stood still (Art. 36:
 *   the hearing's time is not counted). For calendar days this adds them to the nominal period before the
 *   roll-over; for working days the N working days are counted from `from + pausedDays`.
 * - Provisional when a day whose rest status decided the result lies in a year absent from `data` (then only
 *   weekends are rest days): for calendar days the nominal last day and any roll-over, for working days every
 *   day counted. Days merely passed over by a calendar count cannot change it, so they do not make it provisional.
 */
export function computeDeadline(input: DeadlineInput, data: CalendarData): DeadlineResult {
  const parsed = deadlineInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new DeadlineInputError(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'input'} ${i.message}`),
    );
  }
  const { from, duration, counting, article } = parsed.data;
  const extensionDays = parsed.data.extensionDays ?? 0;
  const pausedDays = parsed.data.pausedDays ?? 0;
  const received = civilDayOf(from) as DayNumber;
  const reference = received + pausedDays;
  const fromPeriodEnd = parsed.data.extensionFrom === 'period-end' && extensionDays > 0;

  const consulted: DayInfo[] = [];
  const skipped: DayInfo[] = [];
  let original: { nominal: DayNumber; last: DayNumber; skipped: DayInfo[] } | undefined;
  let nominal: DayNumber;
  let last: DayNumber;
  if (fromPeriodEnd) {
    // Art. 34's extension added to the period as the calendar fixed it: its own count starts the day after.
    const originalSkipped: DayInfo[] = [];
    original = {
      ...countPeriod(reference, duration, counting, data, consulted, originalSkipped),
      skipped: originalSkipped,
    };
    ({ nominal, last } = countPeriod(original.last, extensionDays, counting, data, consulted, skipped));
  } else {
    ({ nominal, last } = countPeriod(
      reference,
      duration + extensionDays,
      counting,
      data,
      consulted,
      skipped,
    ));
  }

  const unofficialYears = [
    ...new Set(consulted.filter((d) => !d.official).map((d) => Number(d.date.slice(0, 4)))),
  ];
  const dueAt = formatIsoInstant(endOfShanghaiDay(last));
  const skippedRestDays = [...(original?.skipped ?? []), ...skipped].map(skippedOf);
  const facts = {
    calendarDays: counting === Counting.CalendarDays,
    received,
    start: received + 1,
    duration,
    extensionDays,
    pausedDays,
    nominal,
    last,
    dueAt,
    skipped: original ? skipped.map(skippedOf) : skippedRestDays,
    unofficialYears,
    article,
    citation: CIVIL_CODE_CITATION,
    ...(original && {
      original: { nominal: original.nominal, last: original.last, skipped: original.skipped.map(skippedOf) },
    }),
  };
  return {
    from,
    receivedOn: formatIsoDate(received),
    startDate: formatIsoDate(received + 1),
    duration,
    counting,
    extensionDays,
    pausedDays,
    nominalLastDay: formatIsoDate(nominal),
    lastDay: formatIsoDate(last),
    ...(original && { originalLastDay: formatIsoDate(original.last) }),
    dueAt,
    provisional: unofficialYears.length > 0,
    unofficialYears,
    skippedRestDays,
    rule: RULES[counting].zh,
    ruleEn: RULES[counting].en,
    ...(article !== undefined ? { article } : {}),
    citation: CIVIL_CODE_CITATION,
    explanation: explainZh(facts),
    explanationEn: explainEn(facts),
  };
}

/**
 * Counts `count` days (or working days) after `reference` (not counted, Art. 201): calendar days end on the nominal
 * day rolled over rest days (Art. 203); working days end on the Nth working day. Records the days consulted and the
 * rest days skipped.
 */
function countPeriod(
  reference: DayNumber,
  count: number,
  counting: Counting,
  data: CalendarData,
  consulted: DayInfo[],
  skipped: DayInfo[],
): { nominal: DayNumber; last: DayNumber } {
  if (counting === Counting.CalendarDays) {
    const nominal = (reference + count) as DayNumber;
    let last = nominal;
    for (let info = describeDayNumber(last, data); ; info = describeDayNumber(++last, data)) {
      consulted.push(info);
      if (!info.rest) break;
      skipped.push(info);
    }
    return { nominal, last };
  }
  let last = reference;
  for (let counted = 0; counted < count;) {
    const info = describeDayNumber(++last, data);
    consulted.push(info);
    if (info.rest) skipped.push(info);
    else counted++;
  }
  return { nominal: last, last };
}

function requirePositiveDays(days: number, what: string): void {
  if (!Number.isInteger(days) || days <= 0)
    throw new DeadlineInputError([`${what} must be a positive whole number of days, got ${days}`]);
}

function inputOf(previous: DeadlineInput): DeadlineInput {
  const { from, duration, counting, article, extensionDays, pausedDays, extensionFrom } = previous;
  return {
    from,
    duration,
    counting,
    article,
    extensionDays,
    pausedDays,
    ...(extensionFrom && { extensionFrom }),
  };
}

/**
 * Recomputes a deadline extended by `days` (Art. 34: one approved extension of at most 30 days): the same start,
 * with N + D counted in the period's own unit. `previous` may be the earlier input or its result.
 */
export function extendDeadline(previous: DeadlineInput, days: number, data: CalendarData): DeadlineResult {
  requirePositiveDays(days, 'an extension');
  return computeDeadline({ ...inputOf(previous), extensionDays: (previous.extensionDays ?? 0) + days }, data);
}

/**
 * Recomputes a deadline after its clock stood still for `days` whole days (Art. 36: the hearing's time is not
 * counted). `previous` may be the earlier input or its result; pauses accumulate.
 */
export function addPausedDays(previous: DeadlineInput, days: number, data: CalendarData): DeadlineResult {
  requirePositiveDays(days, 'a pause');
  return computeDeadline({ ...inputOf(previous), pausedDays: (previous.pausedDays ?? 0) + days }, data);
}

/**
 * Whole days to add for a pause measured in milliseconds (e.g. between hearing-start and hearing-end on the
 * workflow clock). Periods count whole days, so a started day of pause counts as a day: 2 hours → 1, 25 hours → 2.
 * Pass the total of all pauses, not each one rounded.
 */
export function pausedDaysFromMs(pausedMs: number): number {
  if (!Number.isFinite(pausedMs) || pausedMs < 0)
    throw new DeadlineInputError([`pausedMs must be a non-negative number, got ${pausedMs}`]);
  return Math.ceil(pausedMs / MS_PER_DAY);
}
