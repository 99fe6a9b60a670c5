/**
 * The dry run (workflows/engine/simulate.ts, wired by api/services/simulation.ts): the workflow's own interpreter over
 * the legal calendar, with timers fired between actions. The same paths on the time-skipping server give the same
 * deadlines: test/workflows/simulate.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { runSimulation, type ResolvedDefinition } from '../../api/services/simulation';
import { computeDeadline, defaultCalendarData } from '../../definitions/calendar';
import { builtInDefinition } from '../../definitions/statutory/built-in';
import { simulate, SimulationInputError } from '../../workflows/engine';
import { FailureType } from '../../workflows/failure-types';

const shipped = builtInDefinition({ id: 'petition-2022', version: 2 })!;
const statutory: ResolvedDefinition = {
  definition: shipped.definition,
  hash: shipped.hash,
  from: 'published',
};
const calendar = defaultCalendarData();
type Body = Parameters<typeof runSimulation>[1];

const run = (body: Omit<Body, 'definition'>) =>
  runSimulation(statutory, { definition: 'petition-2022@2', ...body } as Body, calendar);
const deadline = (result: ReturnType<typeof run>, id: string) => result.deadlines.find((d) => d.id === id)!;

/** Received directly by D1 on 2026-09-20, ten days before the National Day holiday. */
const direct = {
  start: '2026-09-20T09:00:00+08:00',
  petition: { category: 'complaint', channel: 'letter', department: 'D1' },
};

describe('a dry run of the statutory definition', () => {
  it('counts the acceptance notice 15 days from receipt and rolls its last day over the National Day holiday (Art. 23, 《民法典》第二百零三条)', () => {
    const r = run({ ...direct, actions: [], until: '2026-09-21T00:00:00+08:00' });
    expect(r.steps).toEqual([
      expect.objectContaining({ element: 'accept-notice', type: 'userTask', cause: { kind: 'start' } }),
    ]);
    const acceptance = deadline(r, 'acceptance');
    expect(acceptance).toMatchObject({
      state: 'running',
      article: '《信访工作条例》第二十三条第二款、第三款',
      lastDay: '2026-10-08',
      dueAt: '2026-10-08T16:00:00.000Z',
      provisional: false,
    });
    expect(acceptance.explanation).toContain('2026年10月5日至10月7日（国庆节）休息');
    expect(r.end).toMatchObject({ status: 'open', step: 'accept-notice' });
    expect(r.happenings).toEqual([]);
  });

  it('follows accept → opinion → reply with the handling period of 60 days from acceptance (Art. 34) and renders the notices', () => {
    const r = run({
      ...direct,
      actions: [
        { action: 'accept', at: '2026-09-25T10:00:00+08:00' },
        {
          action: 'opinion',
          at: '2026-11-02T10:00:00+08:00',
          input: { outcome: 'reject', text: '经核查不予支持。', legalBasis: '某条例第十条' },
        },
        { action: 'reply', at: '2026-11-03T10:00:00+08:00' },
      ],
      until: '2026-11-04T00:00:00+08:00',
    });
    expect(r.refused).toBeUndefined();
    expect(r.steps.map((s) => s.element)).toEqual([
      'accept-notice',
      'send-acceptance-notice',
      'handle',
      'issue-opinion',
      'reply',
      'review-window',
    ]);
    const expected = computeDeadline(
      { from: '2026-09-25T02:00:00.000Z', duration: 60, counting: 'calendar-days' },
      calendar,
    );
    expect(deadline(r, 'handling')).toMatchObject({
      state: 'met',
      from: '2026-09-25T02:00:00.000Z',
      lastDay: expected.lastDay,
      dueAt: expected.dueAt,
    });
    expect(deadline(r, 'acceptance')).toMatchObject({ state: 'met', lastDay: '2026-10-08' });
    expect(deadline(r, 'review-request-window')).toMatchObject({
      state: 'running',
      from: '2026-11-03T02:00:00.000Z',
      lastDay: computeDeadline(
        { from: '2026-11-03T02:00:00.000Z', duration: 30, counting: 'calendar-days' },
        calendar,
      ).lastDay,
    });
    expect(r.documents.map((d) => d.kind)).toEqual(['acceptance-notice', 'handling-opinion']);
    expect(r.documents[0]!.text).toContain('2026年9月20日');
    expect(r.applied.map((a) => [a.action, a.step, a.actor.role, a.actor.department])).toEqual([
      ['accept', 'accept-notice', 'department', 'D1'],
      ['opinion', 'handle', 'department', 'D1'],
      ['reply', 'reply', 'department', 'D1'],
    ]);
  });

  it('lets the 30-day review window and its 15-day entry grace lapse after the last action: the token follows to "the opinion stands" at the grace\'s end, the outcome dated at the window\'s end (Art. 35)', () => {
    const r = run({
      ...direct,
      actions: [
        { action: 'accept', at: '2026-09-25T10:00:00+08:00' },
        {
          action: 'opinion',
          at: '2026-10-20T10:00:00+08:00',
          input: { outcome: 'explain', text: '解释说明。', legalBasis: '某条例第十条' },
        },
        { action: 'reply', at: '2026-10-21T10:00:00+08:00' },
      ],
    });
    const window = deadline(r, 'review-request-window');
    expect(window.state).toBe('missed');
    expect(r.end).toMatchObject({
      status: 'closed',
      step: 'closed',
      outcome: { outcome: 'opinion-stands', final: false, at: window.dueAt },
    });
    expect(window.graceEndsAt).not.toBeNull();
    expect(r.steps.at(-1)).toMatchObject({
      element: 'closed',
      cause: { kind: 'timer' },
      at: window.graceEndsAt,
    });
    expect(r.happenings.map((h) => h.type)).toEqual(['deadline-missed', 'deadline-missed', 'ended']);
  });

  it('refuses a request received after its window, within the entry grace, as the workflow would refuse it (Art. 35)', () => {
    const r = run({
      ...direct,
      actions: [
        { action: 'accept', at: '2026-09-25T10:00:00+08:00' },
        {
          action: 'opinion',
          at: '2026-10-20T10:00:00+08:00',
          input: { outcome: 'reject', text: '不予支持。', legalBasis: '某条例第十条' },
        },
        { action: 'reply', at: '2026-10-21T10:00:00+08:00' },
        { action: 'request-review', at: '2026-12-01T10:00:00+08:00', input: { reason: '不服' } },
      ],
    });
    expect(r.refused).toMatchObject({
      index: 3,
      action: 'request-review',
      step: 'review-window',
      type: FailureType.StatutoryRule,
      message: expect.stringContaining('第三十五条'),
    });
    expect(r.applied).toHaveLength(3);
  });

  it('warns 15 and 5 days before the handling period ends, records the accountable failure and escalates when it passes, without moving the token (Art. 34, 43–45)', () => {
    const r = run({ ...direct, actions: [{ action: 'accept', at: '2026-09-25T10:00:00+08:00' }] });
    const handling = deadline(r, 'handling');
    expect(handling).toMatchObject({ state: 'missed', overdue: true });
    const due = Date.parse(handling.dueAt!);
    expect(r.happenings.map((h) => [h.type, h.at])).toEqual([
      ['warning', new Date(due - 15 * 86_400_000).toISOString()],
      ['warning', new Date(due - 5 * 86_400_000).toISOString()],
      ['deadline-missed', handling.dueAt],
      ['accountability', handling.dueAt],
      ['escalated', handling.dueAt],
    ]);
    expect(r.end).toMatchObject({ status: 'open', step: 'handle' });
  });

  it('stops at a refused action and reports its step, type and reason: an objection after 5 working days (Art. 23 ¶3)', () => {
    const r = run({
      start: '2026-09-20T09:00:00+08:00',
      petition: { category: 'complaint' },
      actions: [
        { action: 'forward', at: '2026-09-21T09:00:00+08:00', input: { department: 'D1' } },
        { action: 'object', at: '2026-10-12T09:00:00+08:00', input: { reason: '不属于本机关职权范围' } },
        { action: 'accept', at: '2026-10-13T09:00:00+08:00' },
      ],
    });
    expect(r.refused).toMatchObject({
      index: 1,
      action: 'object',
      step: 'accept-notice',
      type: FailureType.StatutoryRule,
      message: expect.stringContaining('第二十三条第三款'),
    });
    expect(r.applied.map((a) => a.action)).toEqual(['forward']);
    expect(r.end).toMatchObject({ status: 'open', step: 'accept-notice' });
  });

  it('extends the handling period once, by the approved days, and the extension notice states the new last day (Art. 34)', () => {
    const r = run({
      ...direct,
      actions: [
        { action: 'accept', at: '2026-09-25T10:00:00+08:00' },
        { action: 'extend', at: '2026-11-10T10:00:00+08:00', input: { days: 30, reason: '需要现场检测' } },
        { action: 'extend', at: '2026-11-11T10:00:00+08:00', input: { days: 5, reason: '再延' } },
      ],
      until: '2026-11-12T00:00:00+08:00',
    });
    const handling = deadline(r, 'handling');
    const expected = computeDeadline(
      { from: '2026-09-25T02:00:00.000Z', duration: 60, counting: 'calendar-days', extensionDays: 30 },
      calendar,
    );
    expect(handling).toMatchObject({ extendedDays: 30, lastDay: expected.lastDay });
    const notice = r.documents.find((d) => d.kind === 'extension-notice')!;
    const [y, m, d] = expected.lastDay.split('-').map(Number);
    expect(notice.text).toContain(`${y}年${m}月${d}日`);
    expect(r.refused).toMatchObject({ index: 2, type: FailureType.StatutoryRule });
  });

  it('takes the applicable defaults: the first declared category and channel, registered at the bureau', () => {
    const r = run({ start: '2026-03-02T09:00:00+08:00', actions: [], until: '2026-03-02T10:00:00+08:00' });
    expect(r.petition).toEqual({
      category: 'suggestion',
      channel: 'online',
      receivedAt: '2026-03-02T01:00:00.000Z',
    });
    expect(r.steps[0]).toMatchObject({ element: 'forward' });
    expect(deadline(r, 'forwarding')).toMatchObject({
      article: '《信访工作条例》第二十二条',
      state: 'running',
    });
  });

  it('refuses instants out of order before running anything', () => {
    let thrown: unknown;
    try {
      simulate(
        shipped.definition,
        {
          petitionId: 'X',
          definitionHash: shipped.hash,
          start: '2026-03-02T01:00:00Z',
          registeredBy: { role: 'system' },
          petition: {
            category: 'complaint',
            channel: 'letter',
            subject: 's',
            content: 'c',
            receivedAt: '2026-03-02T01:00:00Z',
            petitioner: { name: 'n', address: 'a' },
          },
          actions: [
            { action: 'accept', at: '2026-03-05T01:00:00Z' },
            { action: 'opinion', at: '2026-03-04T01:00:00Z' },
          ],
        },
        { compute: () => ({ dueAt: '', lastDay: '', provisional: false, explanation: '' }) },
      );
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(SimulationInputError);
    expect(thrown).toMatchObject({
      message:
        'actions[1].at (2026-03-04T01:00:00Z) is before actions[0].at (2026-03-05T01:00:00Z); list the actions in the order they happen.',
      details: { field: 'actions[1].at' },
    });
  });
});
