import { civilFromDayNumber, formatIsoDate, parseIsoDate, type DayNumber } from './civil-date';
import type { SkippedRestDay } from './rest-day';

/** What the explanations are built from (all days as day numbers). */
export interface ExplanationFacts {
  readonly calendarDays: boolean;
  readonly received: DayNumber;
  readonly start: DayNumber;
  readonly duration: number;
  readonly extensionDays: number;
  readonly pausedDays: number;
  readonly nominal: DayNumber;
  readonly last: DayNumber;
  readonly dueAt: string;
  readonly skipped: readonly SkippedRestDay[];
  readonly unofficialYears: readonly number[];
  readonly article: string | undefined;
  readonly citation: string;
  /**
   * The period before its extension, when the extension counts from its end (Art. 34 as the statutory default
   * reads it): its nominal and last day and the rest days that moved it. `nominal`, `last` and `skipped` above are
   * then the extension's own.
   */
  readonly original?: {
    readonly nominal: DayNumber;
    readonly last: DayNumber;
    readonly skipped: readonly SkippedRestDay[];
  };
}

const ENGLISH_NAMES: Readonly<Record<string, string>> = {
  元旦: "New Year's Day",
  春节: 'Spring Festival',
  清明节: 'Qingming Festival',
  劳动节: 'Labour Day',
  端午节: 'Dragon Boat Festival',
  中秋节: 'Mid-Autumn Festival',
  国庆节: 'National Day',
};

function zh(n: DayNumber): string {
  const { year, month, day } = civilFromDayNumber(n);
  return `${year}年${month}月${day}日`;
}

function zhRange(a: DayNumber, b: DayNumber): string {
  if (a === b) return zh(a);
  const [ya, yb] = [civilFromDayNumber(a), civilFromDayNumber(b)];
  return `${zh(a)}至${ya.year === yb.year ? `${yb.month}月${yb.day}日` : zh(b)}`;
}

function enRange(a: DayNumber, b: DayNumber): string {
  return a === b ? formatIsoDate(a) : `${formatIsoDate(a)} to ${formatIsoDate(b)}`;
}

interface Run {
  readonly first: DayNumber;
  readonly last: DayNumber;
  readonly names: readonly string[];
  readonly weekend: boolean;
}

function runs(skipped: readonly SkippedRestDay[]): Run[] {
  const out: { first: DayNumber; last: DayNumber; names: string[]; weekend: boolean }[] = [];
  for (const day of skipped) {
    const n = parseIsoDate(day.date) as DayNumber;
    const open = out.at(-1);
    const run = open && open.last === n - 1 ? open : { first: n, last: n, names: [], weekend: false };
    if (run !== open) out.push(run);
    run.last = n;
    if (day.reason === 'weekend') run.weekend = true;
    else if (day.name !== undefined && !run.names.includes(day.name)) run.names.push(day.name);
    else if (day.name === undefined && !run.names.includes('节假日')) run.names.push('节假日');
  }
  return out;
}

function zhRuns(skipped: readonly SkippedRestDay[]): string {
  return runs(skipped)
    .map((r) => `${zhRange(r.first, r.last)}（${[...r.names, ...(r.weekend ? ['周末'] : [])].join('、')}）`)
    .join('、');
}

function enRuns(skipped: readonly SkippedRestDay[]): string {
  return runs(skipped)
    .map((r) => {
      const why = [...r.names.map((n) => ENGLISH_NAMES[n] ?? n), ...(r.weekend ? ['weekend'] : [])].join(
        ', ',
      );
      return `${enRange(r.first, r.last)} (${why})`;
    })
    .join('; ');
}

/** The Chinese explanation a person reads: start, nominal last day, rest days skipped, last day, due instant, basis. */
export function explainZh(f: ExplanationFacts): string {
  if (f.original) return explainExtendedZh(f, f.original);
  const count = f.duration + f.extensionDays;
  const extension = f.extensionDays
    ? `，经批准延长${f.extensionDays}${f.calendarDays ? '日' : '个工作日'}`
    : '';
  const pause = f.pausedDays ? `，另加不计入期间的${f.pausedDays}日（如听证所需时间）` : '';
  const opening = `自${zh(f.received)}起算（首日不计入），自${zh(f.start)}开始计算`;
  const body = f.calendarDays
    ? `${opening}${f.duration}日${extension}${pause}，期间最后一日为${zh(f.nominal)}` +
      (f.skipped.length
        ? `；该日为法定休假日，${zhRuns(f.skipped)}休息，依法顺延至休息日结束的次日${zh(f.last)}`
        : '，该日不是休息日')
    : `${opening}${f.duration}个工作日${extension}${pause}，只计工作日` +
      (f.skipped.length ? `，其间${zhRuns(f.skipped)}为休息日，不计入` : '') +
      `，第${count}个工作日为${zh(f.last)}`;
  const basis = `依据${f.article ? `${f.article}及` : ''}${f.citation}。`;
  const provisional = f.unofficialYears.length
    ? `注意：${f.unofficialYears.join('年、')}年的节假日安排尚无官方数据，该年日期仅按周末计算，结果为暂定；国务院办公厅公布该年节假日安排后应重新计算。`
    : '';
  return `${body}。期限于${zh(f.last)}二十四时（北京时间）届满，即 ${f.dueAt}。${basis}${provisional}`;
}

/** The same explanation in English. */
export function explainEn(f: ExplanationFacts): string {
  if (f.original) return explainExtendedEn(f, f.original);
  const count = f.duration + f.extensionDays;
  const unit = f.calendarDays ? 'day' : 'working day';
  const extension = f.extensionDays ? `, extended by ${f.extensionDays} ${unit}(s) on approval` : '';
  const pause = f.pausedDays ? `, plus ${f.pausedDays} paused day(s) not counted (e.g. hearing time)` : '';
  const opening = `Received ${formatIsoDate(f.received)} (first day not counted); counting starts ${formatIsoDate(f.start)}`;
  const body = f.calendarDays
    ? `${opening}: ${f.duration} days${extension}${pause} end nominally on ${formatIsoDate(f.nominal)}` +
      (f.skipped.length
        ? `, a rest day; rest days ${enRuns(f.skipped)} roll the end to the day after the rest, ${formatIsoDate(f.last)}`
        : ', not a rest day')
    : `${opening}: ${f.duration} working days${extension}${pause}, counting working days only` +
      (f.skipped.length ? ` and skipping rest days ${enRuns(f.skipped)}` : '') +
      `; working day ${count} is ${formatIsoDate(f.last)}`;
  const basis = `Basis: ${f.article ? `${f.article} and ` : ''}${f.citation} (Civil Code Arts. 201, 203).`;
  const provisional = f.unofficialYears.length
    ? ` PROVISIONAL: no official holiday arrangement for ${f.unofficialYears.join(', ')}; those dates were counted on weekends alone — recompute once the State Council publishes the arrangement.`
    : '';
  return `${body}. The period ends at 24:00 Asia/Shanghai on ${formatIsoDate(f.last)}, i.e. ${f.dueAt}. ${basis}${provisional}`;
}

/** A period extended from its end: the original period as the calendar fixed it, then the extension's own count. */
function explainExtendedZh(f: ExplanationFacts, o: NonNullable<ExplanationFacts['original']>): string {
  const unit = f.calendarDays ? '日' : '个工作日';
  const pause = f.pausedDays ? `，另加不计入期间的${f.pausedDays}日（如听证所需时间）` : '';
  const roll = (nominal: DayNumber, last: DayNumber, skipped: readonly SkippedRestDay[]) =>
    f.calendarDays
      ? `最后一日为${zh(nominal)}` +
        (skipped.length ? `，${zhRuns(skipped)}休息，依法顺延至${zh(last)}` : '，该日不是休息日')
      : (skipped.length ? `其间${zhRuns(skipped)}为休息日，不计入，` : '') + `最后一日为${zh(last)}`;
  const originalPart =
    `原期限自${zh(f.received)}起算（首日不计入），自${zh(f.start)}开始计算${f.duration}${unit}${pause}，` +
    roll(o.nominal, o.last, o.skipped);
  const extensionPart =
    `经批准延长${f.extensionDays}${unit}，自原期限按日历确定的最后一日${zh(o.last)}的次日起计算，` +
    roll(f.nominal, f.last, f.skipped);
  const basis = `依据${f.article ? `${f.article}及` : ''}${f.citation}。`;
  const provisional = f.unofficialYears.length
    ? `注意：${f.unofficialYears.join('年、')}年的节假日安排尚无官方数据，该年日期仅按周末计算，结果为暂定；国务院办公厅公布该年节假日安排后应重新计算。`
    : '';
  return `${originalPart}；${extensionPart}。期限于${zh(f.last)}二十四时（北京时间）届满，即 ${f.dueAt}。${basis}${provisional}`;
}

function explainExtendedEn(f: ExplanationFacts, o: NonNullable<ExplanationFacts['original']>): string {
  const unit = f.calendarDays ? 'day' : 'working day';
  const pause = f.pausedDays ? `, plus ${f.pausedDays} paused day(s) not counted (e.g. hearing time)` : '';
  const roll = (nominal: DayNumber, last: DayNumber, skipped: readonly SkippedRestDay[]) =>
    f.calendarDays
      ? `end nominally on ${formatIsoDate(nominal)}` +
        (skipped.length ? `, rolled over rest days ${enRuns(skipped)} to ${formatIsoDate(last)}` : '')
      : (skipped.length ? `skip rest days ${enRuns(skipped)} and ` : '') + `end on ${formatIsoDate(last)}`;
  const originalPart =
    `Received ${formatIsoDate(f.received)} (first day not counted); the original ${f.duration} ${unit}(s)${pause} ` +
    roll(o.nominal, o.last, o.skipped);
  const extensionPart =
    `the approved extension of ${f.extensionDays} ${unit}(s) counts from the day after that last day as the calendar fixed it, ${formatIsoDate(o.last)}, and the ${f.extensionDays} ${unit}(s) ` +
    roll(f.nominal, f.last, f.skipped);
  const basis = `Basis: ${f.article ? `${f.article} and ` : ''}${f.citation} (Civil Code Arts. 201, 203).`;
  const provisional = f.unofficialYears.length
    ? ` PROVISIONAL: no official holiday arrangement for ${f.unofficialYears.join(', ')}; those dates were counted on weekends alone — recompute once the State Council publishes the arrangement.`
    : '';
  return `${originalPart}; ${extensionPart}. The period ends at 24:00 Asia/Shanghai on ${formatIsoDate(f.last)}, i.e. ${f.dueAt}. ${basis}${provisional}`;
}
