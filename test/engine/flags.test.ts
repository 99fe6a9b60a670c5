import { describe, expect, it } from 'vitest';
import { computeDeadline, defaultCalendarData } from '../../definitions/calendar';
import { loadStatutoryDefinition } from '../../definitions/statutory';
import {
  checkAction,
  searchValuesOf,
  step,
  type Actor,
  type DeadlineCalculation,
  type Definition,
  type EngineEvent,
  type PetitionFacts,
  type PetitionState,
} from '../../workflows/engine';
import { searchAttributeUpdates } from '../../workflows/search-attributes';

const calendar = defaultCalendarData();
const registrar: Actor = { role: 'registrar', id: 'u-reg' };
const dept: Actor = { role: 'department', id: 'u-d1', department: 'D1' };
const superior: Actor = { role: 'superior', id: 'u-s1', department: 'S1' };
const supervisor: Actor = { role: 'supervisor', id: 'u-sv' };
const petitioner: Actor = { role: 'petitioner' };

const facts: PetitionFacts = {
  category: 'complaint',
  channel: 'letter',
  subject: '小区供暖不达标',
  content: '室温长期低于16度。',
  receivedAt: '2026-03-02T09:00:00+08:00',
  petitioner: { name: '李四', address: '北京市海淀区某路2号', idNumber: '110101199001011234' },
};

/** Drives one petition through the pure interpreter, answering deadline computations with the legal calendar. */
class Run {
  state!: PetitionState;
  constructor(readonly definition: Definition) {}
  apply(event: EngineEvent): void {
    const result = step(this.definition, this.state, event);
    this.state = result.state;
    for (const c of result.commands) {
      if (c.type === 'compute-deadline') {
        const calculation = computeDeadline(c.request, calendar) as unknown as DeadlineCalculation;
        this.apply({ type: 'deadline-computed', at: event.at, key: c.key, calculation });
      }
      if (c.type === 'run-service-task') {
        this.apply({ type: 'activity-completed', at: event.at, element: c.element, detail: 'done' });
      }
    }
  }
  act(at: string, action: string, actor: Actor, input: Record<string, unknown> = {}): this {
    const checked = checkAction(this.definition, this.state, { action, actor, input, at });
    if (!checked.ok) throw new Error(`${checked.refusal.type}: ${checked.refusal.message}`);
    this.apply({ type: 'action', at, action, actor, input: checked.input });
    return this;
  }
  get flags(): string[] {
    return searchValuesOf(this.definition, this.state).flags ?? [];
  }
}

function registered(definition: Definition, over: Partial<PetitionFacts> = {}): Run {
  const run = new Run(definition);
  run.apply({
    type: 'start',
    at: '2026-03-02T01:00:00.000Z',
    petitionId: 'P1',
    definitionHash: 'h',
    petition: { ...facts, ...over },
    actor: registrar,
  });
  return run;
}

describe('flags: the facts of the annual report (Art. 41) kept as keywords of PetitionFlags', () => {
  const v2 = loadStatutoryDefinition(2);

  it('flags a petition assigned by the bureau (交办, Art. 22), its handler, route, supervision, urgency (Art. 25), opinion, reviews and outcome as they happen', () => {
    const run = registered(v2);
    expect(run.flags).toEqual(['intake:bureau']);
    run.act('2026-03-03T01:00:00.000Z', 'forward', registrar, { department: 'D1', mode: 'assign' });
    expect(run.flags).toEqual(['intake:bureau', 'assigned', 'handler:D1']);
    run.act('2026-03-04T01:00:00.000Z', 'accept', dept, { route: 'investigation' });
    run.act('2026-03-05T01:00:00.000Z', 'supervise', supervisor, { reason: '请加快办理', answerDays: 10 });
    expect(run.flags).toEqual([
      'intake:bureau',
      'assigned',
      'supervised',
      'route:investigation',
      'handler:D1',
    ]);
    run.act('2026-03-06T01:00:00.000Z', 'flag-urgent', registrar, { reason: '涉及群体性诉求' });
    expect(run.flags).toContain('urgent');
    run.act('2026-03-20T01:00:00.000Z', 'opinion', dept, {
      outcome: 'reject',
      text: '经调查，不予支持。',
      legalBasis: '某条例第十条',
    });
    run.act('2026-03-21T01:00:00.000Z', 'reply', dept, {});
    run.act('2026-03-22T01:00:00.000Z', 'evaluate', petitioner, { rating: 'unsatisfied' });
    run.act('2026-03-25T01:00:00.000Z', 'request-review', petitioner, { reason: '不服' });
    expect(run.flags).toContain('review:pending');
    expect(run.flags).toContain('evaluated');
    run.act('2026-04-01T01:00:00.000Z', 'review-opinion', superior, { outcome: 'explain', text: '维持。' });
    run.act('2026-04-02T01:00:00.000Z', 'serve-review-opinion', superior, {});
    run.act('2026-04-05T01:00:00.000Z', 'request-re-review', petitioner, { reason: '仍不服' });
    run.act('2026-04-10T01:00:00.000Z', 're-review-opinion', superior, { outcome: 'reject', text: '维持。' });
    run.act('2026-04-11T01:00:00.000Z', 'serve-re-review-opinion', superior, {});
    // The final opinion waits for its evaluation (Art. 21) before the petition closes.
    run.act('2026-04-12T01:00:00.000Z', 'evaluate', petitioner, { rating: 'unsatisfied' });
    expect(run.state.status).toBe('closed');
    expect(run.flags).toEqual([
      'intake:bureau',
      'assigned',
      'supervised',
      'route:investigation',
      'handler:D1',
      'opinion:reject',
      'outcome:final',
      'final',
      'review:explain',
      're-review:reject',
      'evaluated',
      'urgent',
    ]);
  });

  it('flags a registration entered later than the day after receipt (Arts. 43–44), and not one entered the next day', () => {
    expect(registered(v2, { receivedAt: '2026-02-25T09:00:00+08:00' }).flags).toContain('late-registration');
    expect(registered(v2, { receivedAt: '2026-03-01T09:00:00+08:00' }).flags).not.toContain(
      'late-registration',
    );
  });

  it('flags a petition forwarded (转送) and one received directly by a body (Art. 23 ¶2) apart', () => {
    const forwarded = registered(v2);
    forwarded.act('2026-03-03T01:00:00.000Z', 'forward', registrar, { department: 'D1' });
    expect(forwarded.flags).toEqual(['intake:bureau', 'forwarded', 'handler:D1']);
    const direct = registered(v2, { department: 'D1' });
    expect(direct.flags).toEqual(['intake:department', 'handler:D1']);
  });

  it('sets no flag for a definition that declares none (petition-2022@1), so its petitions upsert what they always did', () => {
    const v1 = loadStatutoryDefinition(1);
    const run = registered(v1);
    run.act('2026-03-03T01:00:00.000Z', 'forward', registrar, { department: 'D1' });
    const values = searchValuesOf(v1, run.state);
    expect(values.flags).toEqual([]);
    // Search values recorded before flags existed carry none: nothing to upsert for them.
    const { flags: _none, ...before } = values;
    expect(searchAttributeUpdates(values, before)).toEqual([]);
  });

  it('upserts PetitionFlags only when its keywords change, and removes it when none is left', () => {
    const run = registered(v2);
    const first = searchValuesOf(v2, run.state);
    run.act('2026-03-03T01:00:00.000Z', 'forward', registrar, { department: 'D1' });
    const second = searchValuesOf(v2, run.state);
    const names = (u: ReturnType<typeof searchAttributeUpdates>) => u.map((p) => p.key.name);
    expect(names(searchAttributeUpdates(second, first))).toContain('PetitionFlags');
    expect(names(searchAttributeUpdates(second, { ...second, flags: [...second.flags!] }))).toEqual([]);
    const cleared = searchAttributeUpdates({ ...second, flags: [] }, second);
    expect(cleared).toEqual([{ key: expect.objectContaining({ name: 'PetitionFlags' }), value: null }]);
  });
});
