import { describe, expect, it } from 'vitest';
import { computeDeadline, defaultCalendarData } from '../../definitions/calendar';
import {
  checkAction,
  nextWakeAt,
  searchValuesOf,
  step,
  viewOf,
  type Actor,
  type DeadlineCalculation,
  type EngineCommand,
  type EngineEvent,
  type PetitionFacts,
  type PetitionState,
} from '../../workflows/engine';
import { FailureType } from '../../workflows/failure-types';
import { miniDefinition as def } from './fixtures/mini-definition';

const calendar = defaultCalendarData();
const registrar: Actor = { role: 'registrar', id: 'u-reg' };
const dept: Actor = { role: 'department', id: 'u-d1', department: 'D1' };
const petitioner: Actor = { role: 'petitioner' };
const superior: Actor = { role: 'superior', id: 'u-sup', department: 'S1' };

const facts = (over: Partial<PetitionFacts> = {}): PetitionFacts => ({
  category: 'complaint',
  channel: 'letter',
  subject: '道路维修',
  content: '门前道路损坏多年未修。',
  receivedAt: '2026-03-02T09:00:00+08:00',
  petitioner: { name: '张三', address: '北京市东城区某街1号' },
  ...over,
});

/** Applies events, answering every compute-deadline command with the real legal calendar. */
class Harness {
  state: PetitionState | undefined;
  commands: EngineCommand[] = [];
  apply(event: EngineEvent): EngineCommand[] {
    const result = step(def, this.state, event);
    this.state = result.state;
    this.commands.push(...result.commands);
    for (const c of result.commands) {
      if (c.type === 'compute-deadline') {
        const calculation = computeDeadline(c.request, calendar) as unknown as DeadlineCalculation;
        this.apply({ type: 'deadline-computed', at: event.at, key: c.key, calculation });
      }
    }
    return result.commands;
  }
  act(at: string, action: string, actor: Actor, input: Record<string, unknown> = {}): EngineCommand[] {
    const checked = checkAction(def, this.s, { action, actor, input, at });
    if (!checked.ok) throw new Error(`${checked.refusal.type}: ${checked.refusal.message}`);
    return this.apply({ type: 'action', at, action, actor, input: checked.input });
  }
  get s(): PetitionState {
    if (!this.state) throw new Error('not started');
    return this.state;
  }
  deadline(id: string) {
    return viewOf(def, this.s)
      .deadlines.filter((d) => d.id === id)
      .at(-1)!;
  }
}

function started(over: Partial<PetitionFacts> = {}, at = '2026-03-02T01:00:00.000Z'): Harness {
  const h = new Harness();
  h.apply({
    type: 'start',
    at,
    petitionId: 'P1',
    definitionHash: 'h',
    petition: facts(over),
    actor: registrar,
  });
  return h;
}

describe('the interpreter: registration and forwarding (Art. 22, 23)', () => {
  it('starts a bureau-registered petition in the forwarding step with a 15-day deadline counted from receipt', () => {
    const h = started();
    expect(h.s.token).toBe('forward');
    const d = h.deadline('forwarding');
    expect(d.state).toBe('running');
    expect(d.lastDay).toBe('2026-03-17');
    expect(d.dueAt).toBe('2026-03-17T16:00:00.000Z');
    expect(d.article).toBe('第二十二条');
    expect(searchValuesOf(def, h.s)).toMatchObject({
      step: 'forward',
      status: 'open',
      dueAt: '2026-03-17T16:00:00.000Z',
      overdue: false,
    });
  });

  it('starts a petition received directly by a body in its acceptance-notice step', () => {
    const h = started({ department: 'D1' });
    expect(h.s.token).toBe('accept-notice');
    expect(h.s.variables['department']).toBe('D1');
  });

  it('forwards to a department, meeting the forwarding deadline and arming the acceptance and objection periods', () => {
    const h = started();
    h.act('2026-03-05T02:00:00.000Z', 'forward', registrar, { department: 'D1' });
    expect(h.s.token).toBe('accept-notice');
    expect(h.deadline('forwarding').state).toBe('met');
    expect(h.deadline('acceptance').from).toBe('2026-03-05T02:00:00.000Z');
    expect(h.deadline('objection').counting).toBe('working-days');
    expect(searchValuesOf(def, h.s).department).toBe('D1');
  });

  it('marks the forwarding step overdue when its due instant passes, naming who missed it, and escalates', () => {
    const h = started();
    expect(nextWakeAt(def, h.s)).toBe('2026-03-17T16:00:00.000Z');
    const cmds = h.apply({ type: 'timer-fired', at: '2026-03-17T16:00:00.000Z' });
    expect(cmds).toContainEqual(
      expect.objectContaining({ type: 'escalate', reason: 'overdue', step: 'forward' }),
    );
    const d = h.deadline('forwarding');
    expect(d.state).toBe('missed');
    expect(d.overdue).toBe(true);
    expect(searchValuesOf(def, h.s).overdue).toBe(true);
    expect(h.s.timeline.at(-2)?.message).toContain('已逾期');
    expect(nextWakeAt(def, h.s)).toBeUndefined();
    h.act('2026-03-20T02:00:00.000Z', 'forward', registrar, { department: 'D1' });
    expect(h.deadline('forwarding').state).toBe('missed');
    expect(searchValuesOf(def, h.s).overdue).toBe(false);
  });

  it('issues a warning before the acceptance deadline', () => {
    const h = started({ department: 'D1' });
    expect(nextWakeAt(def, h.s)).toBe('2026-03-09T16:00:00.000Z'); // the 5-working-day objection period lapses first
    expect(h.apply({ type: 'timer-fired', at: '2026-03-09T16:00:00.000Z' })).toEqual([]);
    const wake = nextWakeAt(def, h.s)!;
    expect(wake).toBe('2026-03-14T16:00:00.000Z');
    const cmds = h.apply({ type: 'timer-fired', at: wake });
    expect(cmds).toEqual([expect.objectContaining({ type: 'warn', daysBefore: 3 })]);
    expect(h.deadline('acceptance').state).toBe('running');
  });
});

describe('the interpreter: refusing actions', () => {
  const at = '2026-03-03T02:00:00.000Z';
  const refusal = (
    h: Harness,
    action: string,
    actor: Actor,
    input: Record<string, unknown> = {},
    when = at,
  ) => {
    const c = checkAction(def, h.s, { action, actor, input, at: when });
    if (c.ok) throw new Error('expected a refusal');
    return c.refusal;
  };

  it('refuses an action that is not offered in the current step, naming the step and the allowed actions', () => {
    const r = refusal(started(), 'accept', { role: 'department', department: 'D1' });
    expect(r.type).toBe(FailureType.ActionNotAllowed);
    expect(r.message).toBe(
      'Action "accept" is not allowed in step "forward" (转送交办). Allowed now: forward, withdraw, supervise.',
    );
  });

  it('refuses a role the action is not reserved for', () => {
    const r = refusal(started(), 'forward', petitioner, { department: 'D1' });
    expect(r.type).toBe(FailureType.Forbidden);
    expect(r.message).toContain('reserved for: registrar');
  });

  it('refuses staff of another department', () => {
    const r = refusal(started({ department: 'D1' }), 'accept', { role: 'department', department: 'D2' });
    expect(r.type).toBe(FailureType.Forbidden);
    expect(r.message).toContain('held by "D1"');
  });

  it('refuses missing, unknown and mistyped fields, naming the field', () => {
    const h = started();
    expect(refusal(h, 'forward', registrar, {})).toMatchObject({
      type: 'InvalidInput',
      details: { field: 'department' },
    });
    expect(refusal(h, 'forward', registrar, { department: 'D1', dept: 'x' })).toMatchObject({
      type: 'InvalidInput',
      details: { field: 'dept' },
    });
    expect(refusal(h, 'forward', registrar, { department: 7 })).toMatchObject({
      type: 'InvalidInput',
      details: { field: 'department' },
    });
  });

  it('refuses an objection after its 5 working days (Art. 23 ¶3) but still allows acceptance', () => {
    const h = started({ department: 'D1' });
    h.apply({ type: 'timer-fired', at: '2026-03-09T16:00:00.000Z' });
    expect(h.deadline('objection').state).toBe('missed');
    expect(h.deadline('objection').overdue).toBe(false);
    const r = refusal(h, 'object', dept, { reason: '不属于本机关职责' }, '2026-03-10T02:00:00.000Z');
    expect(r.type).toBe(FailureType.StatutoryRule);
    expect(r.message).toContain('第二十三条第三款');
    expect(
      checkAction(def, h.s, { action: 'accept', actor: dept, input: {}, at: '2026-03-10T02:00:00.000Z' }).ok,
    ).toBe(true);
  });

  it('refuses everything once the petition is closed', () => {
    const h = started();
    h.act(at, 'withdraw', petitioner, { reason: '已协商解决' });
    expect(h.s.status).toBe('closed');
    expect(h.deadline('forwarding').state).toBe('cancelled');
    expect(searchValuesOf(def, h.s)).toMatchObject({
      status: 'closed',
      dueAt: null,
      overdue: false,
      acceptedOnTime: null,
    });
    expect(refusal(h, 'forward', registrar, { department: 'D1' }).type).toBe(FailureType.PetitionClosed);
  });
});

describe('the interpreter: handling, extension, reply and review (Art. 34–35)', () => {
  function accepted(): Harness {
    const h = started({ department: 'D1' });
    const cmds = h.act('2026-03-04T02:00:00.000Z', 'accept', dept);
    expect(cmds).toContainEqual(
      expect.objectContaining({
        type: 'run-service-task',
        element: 'notify-acceptance',
        document: 'acceptance-notice',
      }),
    );
    expect(h.s.token).toBe('notify-acceptance');
    h.apply({ type: 'activity-completed', at: '2026-03-04T02:00:01.000Z', element: 'notify-acceptance' });
    return h;
  }

  it('skips the acceptance notice when the petitioner name or address is unclear (Art. 23 ¶2)', () => {
    const h = started({ department: 'D1', petitioner: { name: '匿名' } });
    const cmds = h.act('2026-03-04T02:00:00.000Z', 'accept', dept);
    expect(cmds.some((c) => c.type === 'run-service-task')).toBe(false);
    expect(h.s.token).toBe('handle');
  });

  it('counts the 60-day handling period from acceptance and records timely acceptance', () => {
    const h = accepted();
    expect(h.s.token).toBe('handle');
    expect(h.s.metrics.acceptedOnTime).toBe(true);
    const d = h.deadline('handling');
    expect(d.from).toBe('2026-03-04T02:00:00.000Z');
    expect(d.lastDay).toBe('2026-05-06'); // 2026-05-03 falls in the Labour Day holiday (May 1–5)
  });

  it('extends handling once by at most 30 days with a reason, and generates the extension notice (Art. 34)', () => {
    const h = accepted();
    const over = checkAction(def, h.s, {
      action: 'extend',
      actor: dept,
      input: { days: 31, reason: '案情复杂' },
      at: '2026-04-20T02:00:00.000Z',
    });
    expect(over).toMatchObject({ ok: false, refusal: { type: 'StatutoryRule' } });
    const cmds = h.act('2026-04-20T02:00:00.000Z', 'extend', dept, {
      days: 30,
      reason: '案情复杂，需要补充调查',
    });
    expect(cmds).toContainEqual(
      expect.objectContaining({
        type: 'compute-deadline',
        request: expect.objectContaining({ duration: 60, extensionDays: 30 }),
      }),
    );
    expect(h.commands).toContainEqual(
      expect.objectContaining({
        type: 'generate-document',
        document: 'extension-notice',
        deadlineKey: h.deadline('handling').key,
      }),
    );
    expect(cmds.findIndex((c) => c.type === 'compute-deadline')).toBe(0);
    expect(h.deadline('handling').extendedDays).toBe(30);
    expect(h.deadline('handling').lastDay).toBe('2026-06-02');
    const again = checkAction(def, h.s, {
      action: 'extend',
      actor: dept,
      input: { days: 5, reason: 'x' },
      at: '2026-04-21T02:00:00.000Z',
    });
    expect(again).toMatchObject({ ok: false, refusal: { type: 'StatutoryRule' } });
  });

  it('keeps the handling deadline running through the reply step and meets it when the reply is served', () => {
    const h = accepted();
    h.act('2026-04-01T02:00:00.000Z', 'opinion', dept, { outcome: 'support', text: '予以维修' });
    expect(h.s.token).toBe('reply');
    expect(h.deadline('handling').state).toBe('running');
    h.act('2026-04-02T02:00:00.000Z', 'reply', dept, { servedAt: '2026-04-03T10:00:00+08:00' });
    expect(h.deadline('handling').state).toBe('met');
    expect(h.s.metrics.finishedOnTime).toBe(true);
    expect(h.s.token).toBe('review-window');
    expect(h.deadline('review-request').from).toBe('2026-04-03T02:00:00.000Z');
    expect(h.deadline('review-request').lastDay).toBe('2026-05-06');
    expect(searchValuesOf(def, h.s).dueAt).toBeNull();
  });

  it('closes the petition as final when no review is requested within 30 days of service (Art. 35)', () => {
    const h = accepted();
    h.act('2026-04-01T02:00:00.000Z', 'opinion', dept, { outcome: 'explain', text: '解释说明' });
    h.act('2026-04-02T02:00:00.000Z', 'reply', dept, {});
    const late = checkAction(def, h.s, {
      action: 'request-review',
      actor: petitioner,
      input: { reason: '不服' },
      at: '2026-05-07T02:00:00.000Z',
    });
    expect(late).toMatchObject({ ok: false, refusal: { type: 'StatutoryRule' } });
    if (!late.ok) expect(late.refusal.message).toContain('第三十五条');
    expect(nextWakeAt(def, h.s)).toBe('2026-05-06T16:00:00.000Z'); // 2026-05-02 is in the Labour Day holiday
    const cmds = h.apply({ type: 'timer-fired', at: nextWakeAt(def, h.s)! });
    expect(cmds).toContainEqual(
      expect.objectContaining({
        type: 'complete',
        outcome: expect.objectContaining({ outcome: 'final', final: true }),
      }),
    );
    expect(h.s.status).toBe('closed');
  });

  it('pauses the review clock for a hearing and moves the due instant by the paused time (Art. 36)', () => {
    const h = accepted();
    h.act('2026-04-01T02:00:00.000Z', 'opinion', dept, { outcome: 'reject', text: '不予支持' });
    h.act('2026-04-02T02:00:00.000Z', 'reply', dept, {});
    h.act('2026-04-10T02:00:00.000Z', 'request-review', petitioner, { reason: '不服' });
    expect(h.deadline('review').lastDay).toBe('2026-05-11');
    h.act('2026-04-20T02:00:00.000Z', 'hearing-start', superior);
    expect(h.deadline('review').paused).toBe(true);
    expect(nextWakeAt(def, h.s)).toBeUndefined();
    expect(
      checkAction(def, h.s, {
        action: 'review-opinion',
        actor: superior,
        input: { outcome: 'support', text: 'x' },
        at: '2026-04-21T02:00:00.000Z',
      }).ok,
    ).toBe(false);
    h.act('2026-04-30T02:00:00.000Z', 'hearing-end', superior);
    const d = h.deadline('review');
    expect(d.pausedDays).toBe(10);
    expect(d.state).toBe('running');
    expect(d.lastDay).toBe('2026-05-20');
  });

  it('lets only the reviewing body act in review and makes it accountable for the review deadline (Art. 35)', () => {
    const h = accepted();
    h.act('2026-04-01T02:00:00.000Z', 'opinion', dept, { outcome: 'reject', text: '不予支持' });
    h.act('2026-04-02T02:00:00.000Z', 'reply', dept, {});
    h.s.variables['reviewBody'] = 'S1'; // as the routing delivery records it
    h.act('2026-04-10T02:00:00.000Z', 'request-review', petitioner, { reason: '不服' });
    expect(h.deadline('review').accountable).toEqual({ assignee: 'superior', department: 'S1' });
    const other = checkAction(def, h.s, {
      action: 'review-opinion',
      actor: { role: 'superior', department: 'S2' },
      input: { outcome: 'support', text: 'x' },
      at: '2026-04-11T02:00:00.000Z',
    });
    expect(other).toMatchObject({ ok: false, refusal: { type: 'Forbidden' } });
    expect(
      checkAction(def, h.s, {
        action: 'review-opinion',
        actor: superior,
        input: { outcome: 'support', text: 'x' },
        at: '2026-04-11T02:00:00.000Z',
      }).ok,
    ).toBe(true);
  });

  it('records a supervision order with its answer deadline and escalates it (Art. 40)', () => {
    const h = accepted();
    const cmds = h.act(
      '2026-04-01T02:00:00.000Z',
      'supervise',
      { role: 'supervisor', id: 'sv' },
      { reason: '久拖不办', answerDays: 10 },
    );
    expect(cmds).toContainEqual(
      expect.objectContaining({ type: 'escalate', reason: 'supervision', department: 'D1' }),
    );
    expect(h.s.supervision).toHaveLength(1);
    expect(h.deadline('supervision').lastDay).toBe('2026-04-13');
  });
});
