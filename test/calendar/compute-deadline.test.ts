import { describe, expect, it } from 'vitest';
import {
  addPausedDays,
  computeDeadline,
  DeadlineInputError,
  defaultCalendarData,
  extendDeadline,
  mergeCalendarData,
  parseCalendarSupplement,
  pausedDaysFromMs,
  type DeadlineInput,
} from '../../definitions/calendar/index';

const data = defaultCalendarData();

function days(from: string, duration: number, extra: Partial<DeadlineInput> = {}) {
  return computeDeadline({ from, duration, counting: 'calendar-days', ...extra }, data);
}

function workingDays(from: string, duration: number, extra: Partial<DeadlineInput> = {}) {
  return computeDeadline({ from, duration, counting: 'working-days', ...extra }, data);
}

function holidayRun(first: string, last: string, name: string) {
  const out: { date: string; reason: 'holiday'; name: string }[] = [];
  for (
    let d = new Date(`${first}T00:00:00Z`);
    d <= new Date(`${last}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1)
  ) {
    out.push({ date: d.toISOString().slice(0, 10), reason: 'holiday', name });
  }
  return out;
}

describe('calendar-day periods around Spring Festival 2025 (2025 notice: 28 Jan–4 Feb off; 26 Jan, 8 Feb worked)', () => {
  it('rolls a 15-day forwarding period (Art. 22) that ends on 28 January over the whole holiday to Wednesday 5 February (《民法典》第二百零三条)', () => {
    const r = days('2025-01-13', 15, { article: '《信访工作条例》第二十二条' });
    expect(r).toMatchObject({
      receivedOn: '2025-01-13',
      startDate: '2025-01-14',
      nominalLastDay: '2025-01-28',
      lastDay: '2025-02-05',
      dueAt: '2025-02-05T16:00:00.000Z',
      provisional: false,
      article: '《信访工作条例》第二十二条',
      citation: '《民法典》第二百零一条、第二百零三条',
    });
    expect(r.skippedRestDays).toEqual(holidayRun('2025-01-28', '2025-02-04', '春节'));
    expect(r.explanation).toBe(
      '自2025年1月13日起算（首日不计入），自2025年1月14日开始计算15日，期间最后一日为2025年1月28日；该日为法定休假日，' +
        '2025年1月28日至2月4日（春节）休息，依法顺延至休息日结束的次日2025年2月5日。期限于2025年2月5日二十四时（北京时间）届满，' +
        '即 2025-02-05T16:00:00.000Z。依据《信访工作条例》第二十二条及《民法典》第二百零一条、第二百零三条。',
    );
  });

  it('does not roll a 15-day acceptance period (Art. 23) ending on Saturday 8 February, a declared working day (调休上班)', () => {
    expect(days('2025-01-24', 15)).toMatchObject({
      nominalLastDay: '2025-02-08',
      lastDay: '2025-02-08',
      skippedRestDays: [],
    });
  });

  it('does not roll a 15-day period ending on Sunday 26 January, a declared working day', () => {
    expect(days('2025-01-11', 15)).toMatchObject({
      lastDay: '2025-01-26',
      dueAt: '2025-01-26T16:00:00.000Z',
    });
  });
});

describe('calendar-day periods around National Day 2025 (2025 notice: 1–8 Oct off; 28 Sep, 11 Oct worked)', () => {
  it('rolls a 15-day period ending on 1 October to Thursday 9 October, due 2025-10-09T16:00Z (《民法典》第二百零三条)', () => {
    const r = days('2025-09-16', 15);
    expect(r).toMatchObject({
      nominalLastDay: '2025-10-01',
      lastDay: '2025-10-09',
      dueAt: '2025-10-09T16:00:00.000Z',
    });
    expect(r.skippedRestDays.map((d) => d.name)).toEqual([
      '国庆节',
      '国庆节',
      '国庆节',
      '国庆节',
      '国庆节',
      '中秋节',
      '国庆节',
      '国庆节',
    ]);
    expect(r.explanationEn).toContain(
      'rest days 2025-10-01 to 2025-10-08 (National Day, Mid-Autumn Festival) roll the end',
    );
  });

  it('does not roll a 15-day period ending on Saturday 11 October, a declared working day', () => {
    expect(days('2025-09-26', 15)).toMatchObject({ lastDay: '2025-10-11', skippedRestDays: [] });
  });

  it('does not roll a 15-day period ending on Sunday 28 September, a declared working day', () => {
    expect(days('2025-09-13', 15).lastDay).toBe('2025-09-28');
  });
});

describe('calendar-day periods in 2026 (2026 notice: Spring Festival 15–23 Feb; Mid-Autumn 25–27 Sep; National Day 1–7 Oct)', () => {
  it('rolls a 15-day period ending on Friday 20 February over the Spring Festival to Tuesday 24 February', () => {
    const r = days('2026-02-05', 15);
    expect(r).toMatchObject({
      nominalLastDay: '2026-02-20',
      lastDay: '2026-02-24',
      dueAt: '2026-02-24T16:00:00.000Z',
    });
    expect(r.skippedRestDays).toEqual(holidayRun('2026-02-20', '2026-02-23', '春节'));
  });

  it('explains a 15-day period received on 28 September that ends on an ordinary Tuesday, 13 October', () => {
    const r = days('2026-09-28', 15, { article: '《信访工作条例》第二十三条' });
    expect(r).toMatchObject({
      nominalLastDay: '2026-10-13',
      lastDay: '2026-10-13',
      dueAt: '2026-10-13T16:00:00.000Z',
      skippedRestDays: [],
    });
    expect(r.explanation).toContain(
      '自2026年9月28日起算（首日不计入），自2026年9月29日开始计算15日，期间最后一日为2026年10月13日，该日不是休息日',
    );
  });

  it('rolls a 15-day period ending on 1 October to Thursday 8 October', () => {
    expect(days('2026-09-16', 15)).toMatchObject({ nominalLastDay: '2026-10-01', lastDay: '2026-10-08' });
  });

  it('does not roll a 15-day period ending on Saturday 10 October, a declared working day', () => {
    expect(days('2026-09-25', 15).lastDay).toBe('2026-10-10');
  });

  it('rolls a 15-day period ending on the Mid-Autumn Festival, Friday 25 September, to Monday 28 September', () => {
    expect(days('2026-09-10', 15)).toMatchObject({
      lastDay: '2026-09-28',
      skippedRestDays: holidayRun('2026-09-25', '2026-09-27', '中秋节'),
    });
  });

  it('rolls a period ending on an ordinary Saturday to the Monday, naming the weekend', () => {
    const r = days('2026-03-06', 15);
    expect(r).toMatchObject({ nominalLastDay: '2026-03-21', lastDay: '2026-03-23' });
    expect(r.skippedRestDays).toEqual([
      { date: '2026-03-21', reason: 'weekend' },
      { date: '2026-03-22', reason: 'weekend' },
    ]);
  });
});

describe('working-day periods (Art. 23 ¶3: an objection within 5 working days)', () => {
  it('counts 5 working days across National Day 2025: 28 Sep (worked Sunday), 29, 30 Sep, 9 and 10 Oct', () => {
    const r = workingDays('2025-09-26', 5, { article: '《信访工作条例》第二十三条第三款' });
    expect(r).toMatchObject({
      startDate: '2025-09-27',
      nominalLastDay: '2025-10-10',
      lastDay: '2025-10-10',
      dueAt: '2025-10-10T16:00:00.000Z',
    });
    expect(r.skippedRestDays).toEqual([
      { date: '2025-09-27', reason: 'weekend' },
      ...holidayRun('2025-10-01', '2025-10-08', '国庆节').map((d) =>
        d.date === '2025-10-06' ? { ...d, name: '中秋节' } : d,
      ),
    ]);
    expect(r.explanation).toContain('第5个工作日为2025年10月10日');
  });

  it('counts 5 working days across Spring Festival 2026: 13 Feb, 14 Feb (worked Saturday), 24, 25 and 26 Feb', () => {
    expect(workingDays('2026-02-12', 5).lastDay).toBe('2026-02-26');
  });

  it('counts 5 working days across National Day 2026, where Saturday 10 October counts and Sunday 11 does not', () => {
    expect(workingDays('2026-09-29', 5).lastDay).toBe('2026-10-12');
  });
});

describe('periods reaching a year without an official arrangement (provisional)', () => {
  it('computes a 30-day period ending on 1 January 2027 on weekends alone and flags it provisional, naming 2027', () => {
    const r = days('2026-12-02', 30);
    expect(r).toMatchObject({ lastDay: '2027-01-01', provisional: true, unofficialYears: [2027] });
    expect(r.explanation).toContain('注意：2027年的节假日安排尚无官方数据');
    expect(r.explanationEn).toContain('PROVISIONAL: no official holiday arrangement for 2027');
  });

  it('flags 5 working days from 28 December 2026 provisional because they count days of 2027', () => {
    expect(workingDays('2026-12-28', 5)).toMatchObject({
      lastDay: '2027-01-04',
      provisional: true,
      unofficialYears: [2027],
    });
  });

  it('does not flag a period that ends inside 2026', () => {
    expect(days('2026-12-01', 15)).toMatchObject({
      lastDay: '2026-12-16',
      provisional: false,
      unofficialYears: [],
    });
  });

  it('becomes final once the 2027 arrangement is supplied at run time (fictional data: 1–3 Jan 2027 off)', () => {
    const with2027 = mergeCalendarData(
      data,
      parseCalendarSupplement({
        years: {
          '2027': {
            holidays: ['01', '02', '03'].map((d) => ({ date: `2027-01-${d}`, name: '元旦' })),
            workdays: [],
          },
        },
      }),
    );
    const r = computeDeadline({ from: '2026-12-02', duration: 30, counting: 'calendar-days' }, with2027);
    expect(r).toMatchObject({ nominalLastDay: '2027-01-01', lastDay: '2027-01-04', provisional: false });
  });
});

describe('the starting point (《民法典》第二百零一条: the first day is not counted)', () => {
  it('takes an instant on its Asia/Shanghai day: 16:30Z on 27 September is already 28 September in Beijing', () => {
    expect(days('2026-09-27T16:30:00Z', 15)).toMatchObject({
      receivedOn: '2026-09-28',
      lastDay: '2026-10-13',
    });
    expect(days('2026-09-27T15:00:00Z', 15)).toMatchObject({
      receivedOn: '2026-09-27',
      lastDay: '2026-10-12',
    });
    expect(days('2026-09-28T08:00:00+08:00', 15).from).toBe('2026-09-28T08:00:00+08:00');
  });
});

describe('extensions (Art. 34) and pauses (Art. 36)', () => {
  it('extends a 60-day investigation by 30 days from the same start, rolling 1 November 2026 (Sunday) to 2 November', () => {
    const original = days('2026-08-03', 60, { article: '《信访工作条例》第三十四条' });
    expect(original).toMatchObject({ nominalLastDay: '2026-10-02', lastDay: '2026-10-08' });
    const extended = extendDeadline(original, 30, data);
    expect(extended).toMatchObject({
      duration: 60,
      extensionDays: 30,
      nominalLastDay: '2026-11-01',
      lastDay: '2026-11-02',
      article: '《信访工作条例》第三十四条',
    });
    expect(extended.explanation).toContain('经批准延长30日');
  });

  it('adds a 3-day hearing to a 30-day re-review before rolling over the Qingming holiday (Art. 36: hearing time not counted)', () => {
    const original = days('2026-03-02', 30);
    expect(original.lastDay).toBe('2026-04-01');
    const paused = addPausedDays(original, 3, data);
    expect(paused).toMatchObject({
      startDate: '2026-03-03',
      pausedDays: 3,
      nominalLastDay: '2026-04-04',
      lastDay: '2026-04-07',
    });
    expect(addPausedDays(paused, 1, data).pausedDays).toBe(4);
  });

  it('counts a started day of pause as a whole day, since periods count whole days', () => {
    expect(pausedDaysFromMs(0)).toBe(0);
    expect(pausedDaysFromMs(2 * 3_600_000)).toBe(1);
    expect(pausedDaysFromMs(25 * 3_600_000)).toBe(2);
    expect(() => pausedDaysFromMs(-1)).toThrow(DeadlineInputError);
  });
});

describe('malformed input', () => {
  it('rejects a zero duration, an impossible date and an unknown counting with a DeadlineInputError naming each field', () => {
    const bad = { from: '2026-02-30', duration: 0, counting: 'months' } as unknown as DeadlineInput;
    let error: unknown;
    try {
      computeDeadline(bad, data);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DeadlineInputError);
    const issues = (error as DeadlineInputError).issues;
    expect(issues[0]).toBe(
      'from must be a date YYYY-MM-DD or an ISO instant with an offset, e.g. 2026-09-28 or 2026-09-28T10:30:00+08:00',
    );
    expect(issues[1]).toMatch(/^duration /);
    expect(issues[2]).toMatch(/^counting /);
  });

  it('rejects an extension that is not a positive whole number of days', () => {
    expect(() => extendDeadline(days('2026-08-03', 60), 0, data)).toThrow(
      'an extension must be a positive whole number of days, got 0',
    );
  });
});
