import { describe, expect, it } from 'vitest';
import { computeDeadline, defaultCalendarData } from '../../definitions/calendar';
import { loadStatutoryDefinition } from '../../definitions/statutory';
import { pausedDaysBetween } from '../../workflows/engine/interpreter';
import { FailureType } from '../../workflows/failure-types';
import { actors, StatutoryHarness } from './fixtures/statutory-harness';

/**
 * The statutory default (petition-2022@2) read against the articles issue 12 cites, through the pure interpreter:
 * every rule here is decided without a server (the workflow tests run the same paths on Temporal).
 */

const T = (day: string, time = '10:00') => new Date(`${day}T${time}:00+08:00`).toISOString();

/** Registered directly at D1 on 2 March 2026, accepted, opinion, reply served on 10 March. */
function replied(outcome = 'reject'): StatutoryHarness {
  const h = new StatutoryHarness().start({ department: 'D1' });
  h.do(T('2026-03-03'), 'accept', actors.dept);
  h.do(T('2026-03-05'), 'opinion', actors.dept, {
    outcome,
    text: '经调查核实。',
    legalBasis: '《某条例》第五条',
  });
  h.do(T('2026-03-10'), 'reply', actors.dept, { servedAt: T('2026-03-09', '15:00') });
  return h;
}

describe('the rights of Arts. 35–36 (pure)', () => {
  it('refuses a reply served before its opinion was issued, or in the future, naming the field and not the value (Art. 35)', () => {
    const h = new StatutoryHarness().start({ department: 'D1' });
    h.do(T('2026-03-03'), 'accept', actors.dept);
    h.do(T('2026-03-05'), 'opinion', actors.dept, {
      outcome: 'reject',
      text: '不予支持。',
      legalBasis: '某法',
    });
    expect(h.s.variables['answerIssuedAt']).toBe(T('2026-03-05'));
    const early = h.act(T('2026-03-10'), 'reply', actors.dept, { servedAt: T('2026-03-04') });
    expect(early).toMatchObject({ type: FailureType.InvalidInput, details: { field: 'servedAt' } });
    expect(early!.message).toContain(T('2026-03-05'));
    expect(early!.message).not.toContain(T('2026-03-04'));
    const future = h.act(T('2026-03-10'), 'reply', actors.dept, { servedAt: T('2026-03-11') });
    expect(future).toMatchObject({ type: FailureType.InvalidInput, details: { field: 'servedAt' } });
    expect(h.s.token).toBe('reply');
    h.do(T('2026-03-10'), 'reply', actors.dept, { servedAt: T('2026-03-05', '16:00') });
    expect(h.s.token).toBe('review-window');
  });

  it('refuses a review request received before the reply was served or in the future (Art. 35)', () => {
    const h = replied();
    const before = h.act(T('2026-03-12'), 'request-review', actors.petitioner, {
      reason: '不服',
      receivedAt: T('2026-03-09', '14:00'),
    });
    expect(before).toMatchObject({ type: FailureType.InvalidInput, details: { field: 'receivedAt' } });
    const future = h.act(T('2026-03-12'), 'request-review', actors.petitioner, {
      reason: '不服',
      receivedAt: T('2026-03-13'),
    });
    expect(future).toMatchObject({ type: FailureType.InvalidInput, details: { field: 'receivedAt' } });
  });

  it('accepts a request received on the last day and entered two days later, recording the late entry (Art. 35)', () => {
    const h = replied();
    const window = h.deadline('review-request-window')!;
    expect(window.lastDay).toBe('2026-04-08');
    expect(window.explanation).toContain('15日内');
    h.advance(T('2026-04-10', '09:00'));
    expect(h.s.token).toBe('review-window');
    expect(h.deadline('review-request-window')).toMatchObject({ state: 'missed', overdue: false });
    h.do(T('2026-04-10'), 'request-review', actors.petitioner, {
      reason: '不服',
      receivedAt: T('2026-04-08', '16:30'),
    });
    expect(h.s.token).toBe('review');
    expect(h.deadline('review-request-window')).toMatchObject({ state: 'met' });
    const late = h.timeline('late-entry')[0]!;
    expect(late.data).toMatchObject({
      receivedAt: T('2026-04-08', '16:30'),
      enteredAt: T('2026-04-10'),
      days: 2,
    });
    expect(late.message).toContain('晚2日');
    // The review period runs from the superior's receipt of the request (Art. 35).
    expect(h.deadline('review')!.from).toBe(T('2026-04-08', '16:30'));
  });

  it('refuses a request received after the window, during the grace (Art. 35)', () => {
    const h = replied();
    h.advance(T('2026-04-10', '09:00'));
    const refusal = h.act(T('2026-04-10'), 'request-review', actors.petitioner, {
      reason: '不服',
      receivedAt: T('2026-04-09', '09:00'),
    });
    expect(refusal).toMatchObject({ type: FailureType.StatutoryRule });
    expect(refusal!.message).toContain('第三十五条');
    expect(h.act(T('2026-04-10'), 'request-review', actors.petitioner, { reason: '不服' })).toMatchObject({
      type: FailureType.StatutoryRule,
    });
  });

  it('closes after the grace with the outcome dated at the window end (Art. 35)', () => {
    const h = replied();
    h.advance(T('2026-04-30'));
    expect(h.s.status).toBe('closed');
    expect(h.s.outcome).toMatchObject({ outcome: 'opinion-stands', at: '2026-04-08T16:00:00.000Z' });
    expect(h.search.closedAt).toBe('2026-04-08T16:00:00.000Z');
  });

  it('counts a hearing inclusively in civil days: 3–4 March excludes 2 days, one day 1 (Art. 36)', () => {
    expect(pausedDaysBetween(T('2026-03-03', '09:00'), T('2026-03-04', '17:00'), true)).toBe(2);
    expect(pausedDaysBetween(T('2026-03-03', '09:00'), T('2026-03-03', '17:00'), true)).toBe(1);
    // Definitions that declare nothing keep the count they had (the recorded petitions replay unchanged).
    expect(pausedDaysBetween(T('2026-03-03', '09:00'), T('2026-03-04', '17:00'))).toBe(1);
    const h = replied();
    h.do(T('2026-03-12'), 'request-review', actors.petitioner, { reason: '不服' });
    h.do(T('2026-03-20'), 'review-opinion', actors.superior, { outcome: 'reject', text: '维持。' });
    h.do(T('2026-03-21'), 'serve-review-opinion', actors.superior);
    h.do(T('2026-03-25'), 'request-re-review', actors.petitioner, { reason: '仍不服' });
    expect(h.s.token).toBe('re-review');
    const before = h.deadline('re-review')!;
    h.do(T('2026-04-01', '09:00'), 'hearing-start', actors.superior2);
    h.do(T('2026-04-02', '17:00'), 'hearing-end', actors.superior2);
    const after = h.deadline('re-review')!;
    expect(after.pausedDays).toBe(2);
    const expected = computeDeadline(
      { from: before.from, duration: 30, counting: 'calendar-days', pausedDays: 2 },
      defaultCalendarData(),
    );
    expect(after.lastDay).toBe(expected.lastDay);
  });
});

describe('forwarding and objection, Arts. 22–23 (pure)', () => {
  it('meets the bureau’s 15 days with the forward action itself, whatever the delivery takes (Art. 22)', () => {
    const h = new StatutoryHarness().start();
    h.deliveryLag = 3 * 86_400_000;
    h.do(T('2026-03-16'), 'forward', actors.registrar, { department: 'D1' });
    expect(h.deadline('forwarding')).toMatchObject({ state: 'met', closedAt: T('2026-03-16') });
    // The body's own 15 days run from its receipt: three days after the forwarding.
    expect(h.s.variables['receivedByBodyAt']).toBe(T('2026-03-19'));
    expect(h.deadline('acceptance')!.from).toBe(T('2026-03-19'));
    expect(h.deadline('acceptance')!.accountable).toEqual({ assignee: 'department', department: 'D1' });
  });

  it('an objection neither meets nor restarts a period; refused, the body keeps its period from its receipt (Art. 23 ¶3)', () => {
    const h = new StatutoryHarness().start();
    h.do(T('2026-03-03'), 'forward', actors.registrar, { department: 'D1' });
    const acceptance = h.deadline('acceptance')!;
    h.do(T('2026-03-05'), 'object', actors.dept, { reason: '不属于本机关职责' });
    expect(h.s.token).toBe('verify-objection');
    expect(h.search.department).toBeNull();
    expect(h.deadline('acceptance')).toMatchObject({ state: 'running', key: acceptance.key });
    expect(h.s.variables['receivedByBureauAt']).toBe(h.s.variables['receivedAt']);
    h.do(T('2026-03-06'), 'refuse-objection', actors.registrar, { reason: '属于该局法定职责' });
    expect(h.s.token).toBe('accept-notice');
    expect(h.deadline('acceptance')).toMatchObject({ key: acceptance.key, dueAt: acceptance.dueAt });
    const entry = h.timeline('accountability')[0]!;
    expect(entry.data).toMatchObject({
      body: 'D1',
      bodyName: '某区住房和城乡建设局',
      period: '受理告知期限',
      periodArticle: '《信访工作条例》第二十三条第二款、第三款',
      article: '《信访工作条例》第四十四条',
      lastDay: acceptance.lastDay,
    });
  });

  it('an agreed objection returns the matter to forwarding, whose period runs on from the bureau’s receipt; a second body gets its own period (Art. 22, 23 ¶3)', () => {
    const h = new StatutoryHarness().start();
    const forwarding = h.deadline('forwarding')!;
    h.do(T('2026-03-03'), 'forward', actors.registrar, { department: 'D1' });
    h.do(T('2026-03-05'), 'object', actors.dept, { reason: '不属于本机关职责' });
    h.do(T('2026-03-06'), 'agree-objection', actors.registrar);
    expect(h.s.token).toBe('forward');
    expect(h.view.deadlines.find((d) => d.id === 'acceptance')).toMatchObject({ state: 'cancelled' });
    const again = h.deadline('forwarding')!;
    expect(again.from).toBe(forwarding.from);
    expect(again.dueAt).toBe(forwarding.dueAt);
    h.do(T('2026-03-07'), 'forward', actors.registrar, { department: 'D2' });
    expect(h.deadline('acceptance')).toMatchObject({
      from: T('2026-03-07'),
      accountable: { assignee: 'department', department: 'D2' },
    });
  });

  it('forwarding again to a body that already received the matter does not give it a fresh period (Art. 23 ¶3)', () => {
    const h = new StatutoryHarness().start();
    h.do(T('2026-03-03'), 'forward', actors.registrar, { department: 'D1' });
    h.do(T('2026-03-05'), 'object', actors.dept, { reason: '不属于本机关职责' });
    h.do(T('2026-03-06'), 'agree-objection', actors.registrar);
    h.do(T('2026-03-10'), 'forward', actors.registrar, { department: 'D1' });
    expect(h.deadline('acceptance')!.from).toBe(T('2026-03-03'));
    expect(h.s.receipts).toEqual({ D1: T('2026-03-03') });
  });

  it('a body that received the matter directly forwards it to a subordinate body and tells the petitioner where it went (Art. 23 ¶1)', () => {
    const h = new StatutoryHarness().start({ department: 'D1' });
    h.do(T('2026-03-04'), 'forward', actors.dept, { department: 'D2', reason: '属于城管职责' });
    expect(h.s.token).toBe('accept-notice');
    expect(h.view.holder).toBe('D2');
    const own = h.view.deadlines.filter((d) => d.id === 'acceptance');
    expect(own[0]).toMatchObject({ state: 'met', accountable: { department: 'D1' } });
    expect(own[1]).toMatchObject({
      state: 'running',
      from: T('2026-03-04'),
      accountable: { department: 'D2' },
    });
    const notice = h.document('forwarding-notice')!;
    expect(notice.text).toContain('已转送某区城市管理局办理');
    expect(notice.text).toContain('某区住房和城乡建设局');
    expect(notice.text).not.toMatch(/\bD[12]\b/);
    // A forwarded matter is the subordinate's to object to only through its own system; it cannot forward again.
    expect(h.act(T('2026-03-05'), 'forward', actors.dept2, { department: 'D1' })).toMatchObject({
      type: FailureType.StatutoryRule,
    });
  });

  it('a body declines a matter outside its system, the notice naming it and the competent body (Art. 23 ¶1)', () => {
    const h = new StatutoryHarness().start({ department: 'D1' });
    h.do(T('2026-03-04'), 'decline', actors.dept, {
      reason: '不属于本系统职权范围',
      competentBody: '某区人民法院',
    });
    const notice = h.document('refusal-notice')!;
    expect(notice.text).toContain('请你（单位）向某区人民法院提出');
    expect(notice.text).toContain('某区住房和城乡建设局');
    expect(h.s.outcome).toMatchObject({ outcome: 'declined' });
  });

  it('hands a litigation matter to the registered political-legal body (诉访分离, Art. 31 (1))', () => {
    const h = new StatutoryHarness().start({ department: 'D1' });
    h.do(T('2026-03-04'), 'divert', actors.dept, { channel: 'litigation', reason: '属于民事纠纷' });
    expect(h.s.outcome).toMatchObject({ outcome: 'diverted' });
    expect(h.s.variables['divertedToBody']).toBe('PL');
    const handed = h.s.timeline.find(
      (t) => t.step === 'hand-to-political-legal-body' && t.type === 'activity',
    );
    expect(handed?.message).toContain('PL');
    const other = new StatutoryHarness().start({ department: 'D1' });
    other.do(T('2026-03-04'), 'divert', actors.dept, { channel: 'arbitration' });
    expect(other.s.variables['divertedToBody'] ?? null).toBeNull();
    expect(other.s.timeline.some((t) => t.step === 'hand-to-political-legal-body')).toBe(false);
  });
});

describe('supervision, Arts. 32 ¶2 and 40 (pure)', () => {
  it('addresses the order to the reviewing body during a review, and only its answer meets it (Art. 40)', () => {
    const h = replied();
    h.do(T('2026-03-12'), 'request-review', actors.petitioner, { reason: '不服' });
    expect(h.view.holder).toBe('S1');
    h.do(T('2026-03-20'), 'supervise', actors.supervisor, { reason: '请加快复查', answerDays: 10 });
    expect(h.s.supervision[0]).toMatchObject({ department: 'S1' });
    expect(h.escalations.at(-1)).toMatchObject({ reason: 'supervision', department: 'S1' });
    expect(h.document('supervision-order')!.text).toMatch(/^某区人民政府：/);
    h.do(T('2026-03-25'), 'review-opinion', actors.superior, { outcome: 'reject', text: '维持。' });
    h.do(T('2026-03-26'), 'serve-review-opinion', actors.superior);
    expect(h.s.token).toBe('re-review-window');
    const order = h.view.deadlines.find((d) => d.id === 'supervision')!;
    expect(order.state).toBe('running');
    // Listed under S1 while its answer is owed, though the petitioner holds the step.
    expect(h.search.department).toBe('S1');
    expect(h.act(T('2026-03-27'), 'answer-supervision', actors.dept, { text: '已办' })).toMatchObject({
      type: FailureType.Forbidden,
    });
    h.do(T('2026-03-27'), 'answer-supervision', actors.superior, { text: '已于3月25日提出复查意见。' });
    expect(h.view.deadlines.find((d) => d.id === 'supervision')).toMatchObject({ state: 'met' });
    expect(h.s.supervision[0]).toMatchObject({ answer: '已于3月25日提出复查意见。' });
    expect(h.search.department).toBeNull();
    expect(h.act(T('2026-03-28'), 'answer-supervision', actors.superior, { text: '再答' })).toMatchObject({
      type: FailureType.ActionNotAllowed,
    });
  });

  it('supervises a request window, the order going to the handling body (Art. 40)', () => {
    const h = replied();
    h.do(T('2026-03-12'), 'supervise', actors.supervisor, { reason: '督促', answerDays: 5 });
    expect(h.s.supervision[0]).toMatchObject({ step: 'review-window', department: 'D1' });
  });

  it('a supported opinion keeps the petition open until the execution is reported (Art. 32 (1))', () => {
    const h = replied('support');
    h.advance(T('2026-04-30'));
    expect(h.s.status).toBe('open');
    expect(h.s.token).toBe('execute');
    expect(h.search.department).toBe('D1');
    const execution = h.deadline('execution')!;
    expect(execution.from).toBe(T('2026-03-09', '15:00'));
    h.do(T('2026-05-01'), 'supervise', actors.supervisor, { reason: '督促执行', answerDays: 10 });
    h.do(T('2026-05-02'), 'answer-supervision', actors.dept, { text: '正在执行。' });
    h.do(T('2026-05-03'), 'report-execution', actors.dept, { text: '已整改完毕。' });
    expect(h.s.status).toBe('closed');
    expect(h.s.outcome).toMatchObject({ outcome: 'opinion-stands' });
    expect(h.deadline('execution')).toMatchObject({ state: 'met' });
  });
});

describe('accountability, Arts. 28, 34, 43–45 (pure)', () => {
  it('lists the petition under the body that must act now (Arts. 43–45)', () => {
    const h = new StatutoryHarness().start();
    expect(h.search.department).toBeNull();
    h.do(T('2026-03-03'), 'forward', actors.registrar, { department: 'D1' });
    expect(h.search.department).toBe('D1');
    const r = replied();
    expect(r.search.department).toBeNull();
    r.do(T('2026-03-12'), 'request-review', actors.petitioner, { reason: '不服' });
    expect(r.search.department).toBe('S1');
    expect(r.view.department).toBe('D1');
  });

  it('refuses an extension without the approver claim, records it, and names the approver of one with it (Art. 34)', () => {
    const h = new StatutoryHarness().start({ department: 'D1' });
    h.do(T('2026-03-05'), 'accept', actors.dept);
    const refusal = h.act(T('2026-04-20'), 'extend', actors.dept, { days: 30, reason: '需要现场检测' });
    expect(refusal).toMatchObject({ type: FailureType.Forbidden });
    expect(refusal!.message).toContain('第三十四条');
    expect(h.deadline('handling')!.extendedDays).toBe(0);
    expect(h.timeline('accountability')[0]!.data).toMatchObject({
      failure: '未经本机关负责人批准延长办理期限',
      body: 'D1',
      period: '办理期限',
    });
    h.do(T('2026-04-21'), 'extend', actors.head, { days: 30, reason: '需要现场检测' });
    const handling = h.deadline('handling')!;
    expect(handling).toMatchObject({
      extendedDays: 30,
      approvedBy: 'head-1',
      approverTitle: '本机关负责人',
      originalLastDay: '2026-05-06',
      lastDay: '2026-06-05',
    });
    expect(handling.explanation).toContain('自原期限按日历确定的最后一日2026年5月6日的次日起计算');
    const notice = h.document('extension-notice')!;
    for (const part of [
      '本机关负责人',
      'head-1',
      '30日',
      '需要现场检测',
      '2026年6月5日',
      '2026年5月6日',
      '某区住房和城乡建设局',
    ]) {
      expect(notice.text).toContain(part);
    }
  });

  it('bars a recused user from acting, and raises a petitioner’s recusal request (Art. 28 ¶3)', () => {
    const h = new StatutoryHarness().start({ department: 'D1' });
    h.do(T('2026-03-03'), 'recuse', actors.dept, { reason: '与信访人系亲属' });
    const barred = h.act(T('2026-03-04'), 'accept', actors.dept);
    expect(barred).toMatchObject({ type: FailureType.Forbidden });
    expect(barred!.message).toContain('第二十八条');
    h.do(T('2026-03-04'), 'accept', { ...actors.dept, id: 'staff-3' });
    h.do(T('2026-03-05'), 'request-recusal', actors.petitioner, { reason: '经办人与被投诉人有利害关系' });
    expect(h.escalations.at(-1)).toMatchObject({ reason: 'raised', department: 'D1' });
    expect(h.escalations.at(-1)!.message).toContain('经办人与被投诉人有利害关系');
  });

  it('records registration later than the day after receipt in whole Shanghai days (Arts. 43–44)', () => {
    const late = new StatutoryHarness().start(
      { receivedAt: T('2026-03-02', '23:30') },
      T('2026-03-06', '00:30'),
    );
    expect(late.s.variables['lateRegistrationDays']).toBe(3);
    expect(late.view.registeredAt).toBe(T('2026-03-06', '00:30'));
    const onTime = new StatutoryHarness().start(
      { receivedAt: T('2026-03-02', '23:30') },
      T('2026-03-03', '23:00'),
    );
    expect(onTime.s.variables['lateRegistrationDays']).toBe(0);
  });

  it('flags an urgent matter and tells the supervisor contact at once (Art. 25)', () => {
    const h = new StatutoryHarness().start();
    h.do(T('2026-03-02', '11:00'), 'flag-urgent', actors.registrar, { reason: '群体性事件苗头' });
    expect(h.s.variables['urgent']).toBe(true);
    expect(h.escalations.at(-1)).toMatchObject({ reason: 'raised' });
    expect(h.escalations.at(-1)!.message).toContain('第二十五条');
  });

  it('records each accountable failure with its body, period, article and dates (Arts. 43–45)', () => {
    // Not forwarded in time (the bureau).
    const bureau = new StatutoryHarness().start();
    bureau.advance(T('2026-03-20'));
    expect(bureau.timeline('accountability')[0]!.data).toMatchObject({
      bodyName: '信访部门',
      period: '转送、交办期限',
      periodArticle: '《信访工作条例》第二十二条',
      article: '《信访工作条例》第四十三条',
      lastDay: '2026-03-17',
    });
    // Not notified in time; not finished in time; an opinion not executed; supervision not answered.
    const h = new StatutoryHarness().start({ department: 'D1' });
    h.advance(T('2026-03-20'));
    expect(h.timeline('accountability').map((t) => t.data!['period'])).toEqual(['受理告知期限']);
    h.do(T('2026-03-20'), 'accept', actors.dept);
    h.do(T('2026-03-21'), 'supervise', actors.supervisor, { reason: '督促', answerDays: 5 });
    h.advance(T('2026-06-01'));
    expect(h.timeline('accountability').map((t) => t.data!['period'])).toEqual([
      '受理告知期限',
      '督办答复期限',
      '办理期限',
    ]);
  });
});

describe('evaluation (Art. 21) and the documents (pure)', () => {
  it('keeps a suggestion open for evaluation 30 days after its reply, unless evaluated sooner (Art. 21)', () => {
    const h = new StatutoryHarness().start({ department: 'D1', category: 'suggestion' });
    h.do(T('2026-03-03'), 'accept', actors.dept);
    h.do(T('2026-03-05'), 'opinion', actors.dept, { outcome: 'support', text: '采纳。' });
    h.do(T('2026-03-06'), 'reply', actors.dept);
    expect(h.s.token).toBe('evaluation-window');
    h.do(T('2026-03-07'), 'evaluate', actors.petitioner, { rating: 'satisfied' });
    expect(h.s.outcome).toMatchObject({ outcome: 'answered' });
    expect(h.s.metrics.satisfaction).toBe('satisfied');

    const quiet = new StatutoryHarness().start({ department: 'D1', category: 'report' });
    quiet.do(T('2026-03-03'), 'accept', actors.dept);
    quiet.do(T('2026-03-05'), 'opinion', actors.dept, { outcome: 'reject', text: '查无实据。' });
    quiet.do(T('2026-03-06'), 'reply', actors.dept);
    quiet.advance(T('2026-04-10'));
    expect(quiet.s.outcome).toMatchObject({ outcome: 'answered' });
  });

  it('a settlement and a final re-review opinion also wait for an evaluation (Art. 21, 33, 36)', () => {
    const h = new StatutoryHarness().start({ department: 'D1' });
    h.do(T('2026-03-03'), 'accept', actors.dept);
    h.do(T('2026-03-05'), 'mediate', actors.dept, { kind: 'mediation', text: '双方同意。' });
    expect(h.s.token).toBe('evaluation-window');
    h.do(T('2026-03-06'), 'evaluate', actors.petitioner, { rating: 'basically-satisfied' });
    expect(h.s.outcome).toMatchObject({ outcome: 'settled' });

    const f = replied();
    f.do(T('2026-03-12'), 'request-review', actors.petitioner, { reason: '不服' });
    f.do(T('2026-03-20'), 'review-opinion', actors.superior, { outcome: 'reject', text: '维持。' });
    f.do(T('2026-03-21'), 'serve-review-opinion', actors.superior);
    f.do(T('2026-03-25'), 'request-re-review', actors.petitioner, { reason: '仍不服' });
    f.do(T('2026-04-10'), 're-review-opinion', actors.superior2, { outcome: 'reject', text: '复核维持。' });
    f.do(T('2026-04-11'), 'serve-re-review-opinion', actors.superior2);
    expect(f.s.token).toBe('evaluation-window');
    f.advance(T('2026-05-20'));
    expect(f.s.outcome).toMatchObject({ outcome: 'final', final: true });
    expect(f.document('re-review-opinion')!.text).toContain('某市人民政府');
  });

  it('states the period of the route chosen and the route in the acceptance notice, signed with the registered name (Art. 23, 34)', () => {
    const route6 = new StatutoryHarness().start({ department: 'D1' });
    route6.do(T('2026-03-03'), 'accept', actors.dept);
    const n6 = route6.document('acceptance-notice')!.text;
    expect(n6).toContain('60日内办结');
    expect(n6).toContain('第三十一条第六项');
    expect(n6).toContain('某区住房和城乡建设局');
    expect(n6).not.toMatch(/\bD1\b/);
    const route5 = new StatutoryHarness().start({ department: 'D1' });
    route5.do(T('2026-03-03'), 'accept', actors.dept, { route: 'duty' });
    const n5 = route5.document('acceptance-notice')!.text;
    expect(n5).toContain('依照有关法律、行政法规规定的期限');
    expect(n5).not.toContain('60日');
    const suggestion = new StatutoryHarness().start({ department: 'D1', category: 'suggestion' });
    suggestion.do(T('2026-03-03'), 'accept', actors.dept);
    expect(suggestion.document('acceptance-notice')!.text).toContain('未规定专门的办理期限');
  });

  it('requires the legal basis of a route-6 opinion and names the reviewing body and its period (Art. 32, 35)', () => {
    const h = new StatutoryHarness().start({ department: 'D1' });
    h.do(T('2026-03-03'), 'accept', actors.dept);
    expect(
      h.act(T('2026-03-05'), 'opinion', actors.dept, { outcome: 'reject', text: '不予支持。' }),
    ).toMatchObject({ type: FailureType.InvalidInput, details: { field: 'legalBasis' } });
    h.do(T('2026-03-05'), 'opinion', actors.dept, {
      outcome: 'reject',
      text: '不予支持。',
      legalBasis: '《某条例》第五条',
    });
    const opinion = h.document('handling-opinion')!.text;
    expect(opinion).toContain('法律依据：《某条例》第五条');
    expect(opinion).toContain('向某区人民政府请求复查');
    expect(opinion).toContain('30日内');
    expect(opinion).toContain('某区住房和城乡建设局');
  });

  it('signs with the code and says so when the registry has no such body', () => {
    const h = new StatutoryHarness().start({ department: 'D9' });
    expect(h.s.timeline.some((t) => t.message.includes('D9 未在机构名录中登记'))).toBe(true);
    h.do(T('2026-03-03'), 'accept', { ...actors.dept, department: 'D9' });
    expect(h.document('acceptance-notice')!.text).toContain('D9');
  });
});

describe('petition-2022@1 keeps its behaviour', () => {
  it('an objection in version 1 still restarts the bureau’s period and the supervision still closes with its step', () => {
    const v1 = new StatutoryHarness(loadStatutoryDefinition(1)).start();
    v1.do(T('2026-03-03'), 'forward', actors.registrar, {
      department: 'D1',
    });
    v1.do(T('2026-03-05'), 'object', actors.dept, { reason: '不属于' });
    expect(v1.s.token).toBe('forward');
    expect(v1.s.variables['receivedByBureauAt']).toBe(T('2026-03-05'));
    expect(v1.search.department).toBeNull();
    expect(v1.s.timeline.some((t) => t.type === 'accountability')).toBe(false);
  });
});
