import { describe, expect, it } from 'vitest';
import { calculateDeadline, defaultCalendarData } from '../../definitions/calendar';
import { loadStatutoryDefinition, statutoryDefinitionHash } from '../../definitions/statutory';
import {
  precomputedCalculation,
  settleRegistration,
  step,
  type Actor,
  type EngineEvent,
  type PetitionFacts,
  type PetitionState,
} from '../../workflows/engine';

const definition = loadStatutoryDefinition();
const calendar = defaultCalendarData();
const registrar: Actor = { role: 'registrar', id: 'u-reg' };

const facts = (over: Partial<PetitionFacts> = {}): PetitionFacts => ({
  category: 'complaint',
  channel: 'letter',
  subject: '小区供暖不达标',
  content: '入冬以来室温长期低于16度。',
  // Saturday 2026-09-26, shortly before National Day 2026.
  receivedAt: '2026-09-26T10:00:00+08:00',
  petitioner: { name: '李四', address: '北京市海淀区某路2号' },
  ...over,
});

const startEvent = (petition: PetitionFacts): Extract<EngineEvent, { type: 'start' }> => ({
  type: 'start',
  at: '2026-09-26T02:00:00.000Z',
  petitionId: 'XF-T1',
  definitionHash: statutoryDefinitionHash(),
  petition,
  actor: registrar,
});

/** What the workflow does without precomputation: answer each compute-deadline command as its activity would. */
function settleLikeTheWorkflow(start: Extract<EngineEvent, { type: 'start' }>): PetitionState {
  let result = step(definition, undefined, start);
  let state = result.state;
  for (let pending = result.commands; pending.length > 0;) {
    const next = [];
    for (const c of pending) {
      if (c.type !== 'compute-deadline') continue;
      result = step(definition, state, {
        type: 'deadline-computed',
        at: start.at,
        key: c.key,
        calculation: calculateDeadline(c.request, calendar),
      });
      state = result.state;
      next.push(...result.commands);
    }
    pending = next;
  }
  return state;
}

describe('settleRegistration', () => {
  it('computes the first step’s deadlines with the legal calendar, as the workflow would', () => {
    const start = startEvent(facts({ department: 'district-housing' }));
    const settled = settleRegistration(definition, start, (r) => calculateDeadline(r, calendar));
    expect(settled.state).toEqual(settleLikeTheWorkflow(start));
    expect(settled.state.token).toBe('accept-notice');
    expect(settled.deadlines.length).toBeGreaterThan(0);
    const running = settled.state.deadlines.filter((d) => d.status === 'running');
    expect(running.every((d) => d.calculation !== undefined)).toBe(true);
    // Received on Saturday 2026-09-26: the 15 days run into National Day 2026; the calendar's answer is recorded.
    const acceptance = settled.deadlines.find((d) => d.request.duration === 15)!;
    expect(acceptance.calculation).toEqual(calculateDeadline(acceptance.request, calendar));
    expect(acceptance.calculation.lastDay).toBe(calculateDeadline(acceptance.request, calendar).lastDay);
  });

  it('records plain JSON, exactly what the activity result is after the payload converter', () => {
    const settled = settleRegistration(definition, startEvent(facts()), (r) =>
      calculateDeadline(r, calendar),
    );
    for (const d of settled.deadlines) expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });

  it('a registration at the bureau (no department) arms the bureau’s own deadline', () => {
    const settled = settleRegistration(definition, startEvent(facts()), (r) =>
      calculateDeadline(r, calendar),
    );
    expect(settled.state.token).toBe('forward');
    expect(settled.deadlines.length).toBeGreaterThan(0);
  });
});

describe('precomputedCalculation', () => {
  const settled = settleRegistration(definition, startEvent(facts({ department: 'district-housing' })), (r) =>
    calculateDeadline(r, calendar),
  );
  const [first] = settled.deadlines;

  it('answers for the same key and request', () => {
    expect(precomputedCalculation(settled.deadlines, first!)).toBe(first!.calculation);
  });

  it('does not answer for another key, another request, or without precomputation', () => {
    expect(precomputedCalculation(settled.deadlines, { ...first!, key: 'other' })).toBeUndefined();
    expect(
      precomputedCalculation(settled.deadlines, { ...first!, request: { ...first!.request, pausedDays: 3 } }),
    ).toBeUndefined();
    expect(
      precomputedCalculation(settled.deadlines, {
        ...first!,
        request: { ...first!.request, from: '2026-01-01' },
      }),
    ).toBeUndefined();
    expect(precomputedCalculation(undefined, first!)).toBeUndefined();
  });
});
