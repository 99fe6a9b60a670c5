/**
 * Civil dates in Asia/Shanghai as integer day numbers (days since 1970-01-01).
 *
 * Asia/Shanghai has been a fixed UTC+08:00 since the end of China's summer time in September 1991, so a civil
 * date needs no time-zone database: the arithmetic below is exact for every instant after that, and periods
 * under the 2022 信访工作条例 all lie after it. Intl is deliberately not used (it is not needed, and its zone
 * data differs between runtimes).
 */

/** Days since 1970-01-01 (a Thursday); the unit of all calendar arithmetic here. */
export type DayNumber = number;

/** An ISO civil date, `YYYY-MM-DD`. */
export type IsoDate = string;

const MS_PER_DAY = 86_400_000;
/** Asia/Shanghai's fixed offset from UTC (+08:00). */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian), exact for all integer years.
function daysFromCivil(year: number, month: number, day: number): DayNumber {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The year, month (1–12) and day of a day number. */
export function civilFromDayNumber(n: DayNumber): { year: number; month: number; day: number } {
  const z = n + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function validCivil(year: number, month: number, day: number): boolean {
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** The day number of a `YYYY-MM-DD` date, or undefined when it is not a real calendar date. */
export function parseIsoDate(text: string): DayNumber | undefined {
  const m = ISO_DATE.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return validCivil(year, month, day) ? daysFromCivil(year, month, day) : undefined;
}

/** Whether `text` is a real `YYYY-MM-DD` calendar date. */
export function isIsoDate(text: string): boolean {
  return parseIsoDate(text) !== undefined;
}

/** The `YYYY-MM-DD` form of a day number. */
export function formatIsoDate(n: DayNumber): IsoDate {
  const { year, month, day } = civilFromDayNumber(n);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The calendar year of a day number. */
export function yearOf(n: DayNumber): number {
  return civilFromDayNumber(n).year;
}

/** Day of the week, 0 = Sunday … 6 = Saturday. */
export function weekdayOf(n: DayNumber): number {
  return (((n + 4) % 7) + 7) % 7;
}

/** Whether the day is a Saturday or a Sunday. */
export function isWeekend(n: DayNumber): boolean {
  const w = weekdayOf(n);
  return w === 0 || w === 6;
}

/** Milliseconds since the Unix epoch of an ISO instant with an explicit offset, or undefined if malformed. */
export function parseIsoInstant(text: string): number | undefined {
  const m = ISO_INSTANT.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((i) => Number(m[i])) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0').slice(0, 3));
  if (!validCivil(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const [oh, om] = [Number(m[10]), Number(m[11])];
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return (
    daysFromCivil(year, month, day) * MS_PER_DAY +
    ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 +
    millis
  );
}

/** The Asia/Shanghai civil day on which an instant (epoch milliseconds) falls. */
export function shanghaiDayOfInstant(epochMs: number): DayNumber {
  return Math.floor((epochMs + SHANGHAI_OFFSET_MS) / MS_PER_DAY);
}

/**
 * The civil day a `from` value designates: a `YYYY-MM-DD` date as given, or the Asia/Shanghai day of an ISO
 * instant with offset. Undefined when it is neither (an instant without offset is ambiguous and refused).
 */
export function civilDayOf(from: string): DayNumber | undefined {
  const date = parseIsoDate(from);
  if (date !== undefined) return date;
  const instant = parseIsoInstant(from);
  return instant === undefined ? undefined : shanghaiDayOfInstant(instant);
}

/** The instant a civil day ends in Asia/Shanghai (its 24:00, i.e. the next day's 00:00+08:00), as epoch ms. */
export function endOfShanghaiDay(n: DayNumber): number {
  return (n + 1) * MS_PER_DAY - SHANGHAI_OFFSET_MS;
}

/** `YYYY-MM-DDTHH:mm:ss.sssZ` of epoch milliseconds (a pure conversion: no clock is read). */
export function formatIsoInstant(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
