import chineseDays from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import type { CalendarData, CalendarYear } from './calendar-data';

/** The pinned `chinese-days` release the shipped data comes from (package.json pins it exactly). */
export const CHINESE_DAYS_VERSION = '1.5.7';

/** The package's `dist/chinese-days.json`: date → "English name,中文名,days". */
interface ChineseDaysJson {
  readonly holidays: Readonly<Record<string, string>>;
  readonly workdays: Readonly<Record<string, string>>;
}

// The package abbreviates some names; use the names the notices use.
const OFFICIAL_NAMES: Readonly<Record<string, string>> = { 清明: '清明节', 端午: '端午节', 中秋: '中秋节' };

function holidayName(entry: string): string {
  const chinese = entry.split(',')[1]?.trim() ?? entry;
  return OFFICIAL_NAMES[chinese] ?? chinese;
}

function build(raw: ChineseDaysJson): CalendarData {
  const holidays = new Map<string, Record<string, string>>();
  const workdays = new Map<string, string[]>();
  for (const [date, entry] of Object.entries(raw.holidays)) {
    const year = date.slice(0, 4);
    const days = holidays.get(year) ?? {};
    days[date] = holidayName(entry);
    holidays.set(year, days);
  }
  for (const date of Object.keys(raw.workdays)) {
    const year = date.slice(0, 4);
    workdays.set(year, [...(workdays.get(year) ?? []), date]);
  }
  const years: Record<string, CalendarYear> = {};
  for (const [year, days] of holidays) {
    // Every arrangement since 1999 gives a Spring Festival and a National Day block; a year without both
    // would be a partial transcription, and counting it as official would hide a provisional result.
    const names = new Set(Object.values(days));
    if (!names.has('春节') || !names.has('国庆节')) continue;
    years[year] = {
      source: `国务院办公厅关于${year}年部分节假日安排的通知, as transcribed by chinese-days@${CHINESE_DAYS_VERSION} (https://github.com/vsme/chinese-days)`,
      holidays: days,
      workdays: (workdays.get(year) ?? []).sort(),
    };
  }
  return { years };
}

/**
 * The official arrangements of every year `chinese-days` ships (2004–2026 in 1.5.7), taken from the State
 * Council General Office's yearly notices 国务院办公厅关于…年部分节假日安排的通知. Merge newer years in at run
 * time with {@link mergeCalendarData}.
 */
export function defaultCalendarData(): CalendarData {
  return build(chineseDays);
}
