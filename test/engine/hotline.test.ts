import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeDeadline, defaultCalendarData } from '../../definitions/calendar';
import { validateSource } from '../../definitions/language/validate';
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
import { HOTLINE_FILE, hotlineDefinition as def } from './fixtures/hotline-definition';

const calendar = defaultCalendarData();
const operator: Actor = { role: 'operator', id: 'op-1' };
const agency: Actor = { role: 'agency', id: 'ag-1', department: 'WATER' };
const otherAgency: Actor = { role: 'agency', id: 'ag-2', department: 'ROADS' };
const coordinator: Actor = { role: 'coordinator', id: 'co-1' };
const caller: Actor = { role: 'caller' };
const admin: Actor = { role: 'admin', id: 'ad-1' };

/** Received on Friday 2026-03-06 at 10:00 Beijing time. */
const facts = (over: Partial<PetitionFacts> = {}): PetitionFacts => ({
  category: 'complaint',
  channel: 'hotline',
  subject: '小区停水',
  content: '三天没有自来水。',
  receivedAt: '2026-03-06T10:00:00+08:00',
  petitioner: { name: '王五', phone: '13900000000' },
  ...over,
});

/** Applies events as the workflow would: deadlines computed by the legal calendar, service tasks completed. */
class Ticket {
  state: PetitionState | undefined;
  apply(event: EngineEvent): EngineCommand[] {
    const result = step(def, this.state, event);
    this.state = result.state;
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
  refusal(at: string, action: string, actor: Actor, input: Record<string, unknown> = {}) {
    const checked = checkAction(def, this.s, { action, actor, input, at });
    if (checked.ok) throw new Error(`expected "${action}" to be refused`);
    return checked.refusal;
  }
  get s(): PetitionState {
    if (!this.state) throw new Error('not registered');
    return this.state;
  }
  deadline(id: string) {
    return viewOf(def, this.s)
      .deadlines.filter((d) => d.id === id)
      .at(-1)!;
  }
}

function registered(over: Partial<PetitionFacts> = {}): Ticket {
  const t = new Ticket();
  t.apply({
    type: 'start',
    at: '2026-03-06T02:00:00.000Z',
    petitionId: 'H1',
    definitionHash: 'h',
    petition: facts(over),
    actor: operator,
  });
  return t;
}

/** Dispatched to WATER and handed over: the agency holds the ticket. */
function handled(): Ticket {
  const t = registered();
  const commands = t.act('2026-03-06T03:00:00.000Z', 'dispatch', operator, { agency: 'WATER' });
  expect(commands).toContainEqual(
    expect.objectContaining({ type: 'run-service-task', element: 'hand-over', activity: 'delivery' }),
  );
  t.apply({
    type: 'activity-completed',
    at: '2026-03-06T03:00:00.000Z',
    element: 'hand-over',
    detail: 'manual',
  });
  return t;
}

describe('a non-statutory definition (a 12345 hotline ticket) through the same engine', () => {
  it('validates clean, with its own roles, categories and channels', () => {
    expect(validateSource(readFileSync(HOTLINE_FILE, 'utf8'), 'yaml').issues).toEqual([]);
    expect(def.roles).not.toContain('registrar');
    expect(Object.keys(def.registration!.categories)).toEqual([
      'consultation',
      'request',
      'complaint',
      'tip',
    ]);
  });

  it('registers a ticket with the variables its registration declares, in its own words', () => {
    const t = registered();
    expect(t.s.variables).toMatchObject({
      category: 'complaint',
      channel: 'hotline',
      agency: null,
      receivedAt: '2026-03-06T02:00:00.000Z',
      returns: 0,
    });
    expect(t.s.variables).not.toHaveProperty('intake');
    expect(t.s.timeline[0]!.message).toBe('工单已登记：complaint，来源 hotline');
    expect(t.s.token).toBe('dispatch');
  });

  it('routes a consultation at its gateway to the operator, who answers within one working day of receipt', () => {
    const t = registered({ category: 'consultation' });
    expect(t.s.token).toBe('answer');
    // Received on a Friday: the one working day is the Monday after.
    expect(t.deadline('answer-time')).toMatchObject({
      counting: 'working-days',
      duration: 1,
      lastDay: '2026-03-09',
      dueAt: '2026-03-09T16:00:00.000Z',
      article: '《12345热线工单办理规范》第八条',
    });
    t.act('2026-03-09T01:00:00.000Z', 'answer', operator, { text: '可到服务中心办理。' });
    expect(t.s.outcome).toMatchObject({ outcome: 'answered', final: false });
    expect(t.deadline('answer-time').state).toBe('met');
  });

  it('hands the ticket to the agency, which answers for five working days and only for its own tickets', () => {
    const t = handled();
    expect(t.s.token).toBe('handle');
    expect(t.deadline('resolution')).toMatchObject({
      counting: 'working-days',
      duration: 5,
      lastDay: '2026-03-13',
      accountable: { assignee: 'department', department: 'WATER' },
    });
    expect(searchValuesOf(def, t.s)).toMatchObject({ department: 'WATER', step: 'handle' });
    expect(viewOf(def, t.s).availableActions).toEqual({
      operator: ['cancel'],
      agency: ['resolve', 'send-back'],
      coordinator: ['urge'],
      caller: ['cancel'],
      admin: ['resolve', 'send-back', 'urge', 'cancel'],
    });
    const foreign = t.refusal('2026-03-09T01:00:00.000Z', 'resolve', otherAgency, { resolution: 'x' });
    expect(foreign).toMatchObject({ type: FailureType.Forbidden });
    expect(foreign.message).toBe('Step "handle" is held by "WATER"; staff of "ROADS" may not act on it.');
    expect(t.refusal('2026-03-09T01:00:00.000Z', 'resolve', operator, { resolution: 'x' }).type).toBe(
      FailureType.Forbidden,
    );
    t.act('2026-03-09T01:00:00.000Z', 'resolve', admin, { resolution: '管道已修复。' });
    expect(t.s.token).toBe('reply');
  });

  it('warns a working day before the resolution period ends, then marks the agency overdue', () => {
    const t = handled();
    const warnAt = nextWakeAt(def, t.s)!;
    expect(warnAt).toBe('2026-03-12T16:00:00.000Z');
    expect(t.apply({ type: 'timer-fired', at: warnAt })).toEqual([
      expect.objectContaining({ type: 'warn', daysBefore: 1, department: 'WATER' }),
    ]);
    const commands = t.apply({ type: 'timer-fired', at: nextWakeAt(def, t.s)! });
    expect(commands).toContainEqual(
      expect.objectContaining({ type: 'escalate', reason: 'overdue', step: 'handle', department: 'WATER' }),
    );
    expect(t.deadline('resolution')).toMatchObject({ state: 'missed', overdue: true });
  });

  it("urges the agency with the definition's own answer period, in working days, and its own texts", () => {
    const t = handled();
    const commands = t.act('2026-03-09T01:00:00.000Z', 'urge', coordinator, { reason: '居民反映强烈' });
    expect(commands).toContainEqual({
      type: 'escalate',
      reason: 'supervision',
      key: expect.stringMatching(/^supervision#/),
      step: 'handle',
      department: 'WATER',
      message: '工单催办：居民反映强烈（2个工作日内回复）',
    });
    expect(commands).toContainEqual(
      expect.objectContaining({ type: 'generate-document', document: 'urge-slip', recipient: 'department' }),
    );
    expect(t.deadline('supervision')).toMatchObject({
      name: '催办回复时限',
      article: '《12345热线工单办理规范》第十四条',
      counting: 'working-days',
      duration: 2,
      lastDay: '2026-03-11',
    });
    expect(t.s.timeline.find((e) => e.type === 'supervised')?.message).toBe(
      '催办：居民反映强烈，2个工作日内回复',
    );
  });

  it('sends an unsatisfied ticket back to the agency once (a FEEL gateway), then closes it', () => {
    const t = handled();
    t.act('2026-03-09T01:00:00.000Z', 'resolve', agency, { resolution: '已修复。' });
    t.apply({ type: 'activity-completed', at: '2026-03-09T01:00:00.000Z', element: 'reply', detail: 'sent' });
    expect(t.s.token).toBe('feedback');
    t.act('2026-03-10T01:00:00.000Z', 'confirm', caller, { satisfied: false });
    expect(t.s.token).toBe('handle');
    t.act('2026-03-11T01:00:00.000Z', 'resolve', agency, { resolution: '已再次修复。' });
    t.apply({ type: 'activity-completed', at: '2026-03-11T01:00:00.000Z', element: 'reply', detail: 'sent' });
    t.act('2026-03-12T01:00:00.000Z', 'confirm', operator, { satisfied: false });
    expect(t.s.outcome).toMatchObject({ outcome: 'resolved' });
    expect(t.s.variables['returns']).toBe(2);
    expect(t.refusal('2026-03-12T02:00:00.000Z', 'cancel', caller).message).toBe(
      'Petition H1 is closed (resolved); no further action is possible.',
    );
  });

  it('closes the ticket when the caller says nothing within three working days', () => {
    const t = handled();
    t.act('2026-03-09T01:00:00.000Z', 'resolve', agency, { resolution: '已修复。' });
    t.apply({ type: 'activity-completed', at: '2026-03-09T01:00:00.000Z', element: 'reply', detail: 'sent' });
    const due = t.deadline('feedback-window');
    expect(due).toMatchObject({ lastDay: '2026-03-12', counting: 'working-days' });
    t.apply({ type: 'timer-fired', at: due.dueAt! });
    expect(t.s.outcome).toMatchObject({ outcome: 'resolved' });
  });

  it('keeps a tip confidential: the view says so and every read is recorded in its own words', () => {
    const t = registered({ category: 'tip' });
    expect(viewOf(def, t.s).confidential).toBe(true);
    expect(viewOf(def, registered().s).confidential).toBe(false);
    t.apply({ type: 'report-read', at: '2026-03-06T05:00:00.000Z', actor: agency });
    expect(t.s.timeline.at(-1)).toMatchObject({
      type: 'report-read',
      message: '举报线索被查阅：agency ag-1（WATER）',
    });
  });
});
